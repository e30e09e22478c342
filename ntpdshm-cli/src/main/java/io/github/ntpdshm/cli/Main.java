/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmBackends;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code ntpdshm}: the NTP shared-memory reference clock from the shell. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "ntpdshm", addMethodSubcommands = false, mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Write, watch and inspect NTP shared-memory reference clock segments (ntpd driver 28, \"SHM\"),"
                + " as read by ntpd, NTPsec, chrony and gpsd's ntpshmmon.", ""},
        footer = {"", "Exit codes: 0 ok, 1 runtime failure, 2 usage error.",
                "Try: ntpdshm demo   (a clock 1 s behind on unit 2, read back; see `ntpdshm demo --help`)"})
public final class Main implements Callable<Integer> {

    /**
     * The subcommands, in --help's order. Built lazily: picocli reflects over every registered command's
     * annotations at start-up, so a run registers only the command it runs (all of them for help and completion).
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        // Start-up: picocli's default factory otherwise looks for Groovy on the class path (a failed class lookup
        // through the whole jar) on every run; picocli documents this switch. `addMethodSubcommands = false` on every
        // command likewise spares picocli reading the annotations of every method in search of @Command methods.
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
        SUBCOMMANDS.put("demo", Demo::new);
        SUBCOMMANDS.put("feed", Feed::new);
        SUBCOMMANDS.put("monitor", Monitor::new);
        SUBCOMMANDS.put("bridge", Bridge::new);
        SUBCOMMANDS.put("dump", Dump::new);
        SUBCOMMANDS.put("list", ListCommand::new);
        SUBCOMMANDS.put("remove", Remove::new);
        SUBCOMMANDS.put("doctor", Doctor::new);
        SUBCOMMANDS.put("exporter", Exporter::new);
        SUBCOMMANDS.put("completion", Completion::new);
        SUBCOMMANDS.put("help", HelpCommand::new);
        SUBCOMMANDS.put("aot-training", AotTraining::new);
    }

    /** Exit code of a runtime failure. */
    static final int FAILURE = 1;
    /** Exit code of a usage error. */
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    /** The top command; picocli fills in {@link #spec}. */
    public Main() {
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: demo, feed, monitor, bridge, dump,"
                + " list, remove, doctor, exporter or completion");
    }

    /**
     * Runs the tool and exits the JVM with its exit code.
     *
     * @param args the command line, e.g. {@code demo --seconds 3}
     */
    public static void main(String[] args) {
        CommandLine cl = commandLine(args);
        int code = cl.execute(args);
        System.exit(streams(cl) ? code : checkedStdout(code));
    }

    /**
     * Whether the command that ran writes a stream of lines until stopped (feed, monitor, demo): those notice a
     * closed stdout themselves (`| head`) and end normally, like a program killed by SIGPIPE.
     */
    private static boolean streams(CommandLine cl) {
        ParseResult r = cl.getParseResult();
        while (r != null && r.hasSubcommand()) {
            r = r.subcommand();
        }
        String name = r == null ? "" : r.commandSpec().name();
        return name.equals("feed") || name.equals("monitor") || name.equals("demo");
    }

    /**
     * A run whose output could not be written (a full disk, {@code > /dev/full}) failed: the JVM's PrintStream
     * swallows write errors, so ask it before exiting.
     */
    static int checkedStdout(int code) {
        if (System.out.checkError()) {
            System.err.println("ntpdshm: could not write to standard output (disk full or the reader went away);"
                    + " the output above is incomplete.");
            System.err.flush();
            return code == 0 ? FAILURE : code;
        }
        return code;
    }

    /** Runs the tool and returns its exit code. */
    static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /**
     * The command line for these arguments: only their subcommand when the first one names one. Then the top command
     * is only its name (start-up: its annotations, help and version options serve only `ntpdshm --help` and
     * `ntpdshm --version`, and reading them is a good part of a one-shot command's run).
     */
    static CommandLine commandLine(String... args) {
        String first = args.length > 0 ? args[0] : "";
        boolean justOne = SUBCOMMANDS.containsKey(first) && !first.equals("help") && !first.equals("completion");
        CommandLine cl = justOne ? new CommandLine(CommandSpec.create().name("ntpdshm")) : new CommandLine(new Main());
        for (Map.Entry<String, Supplier<Object>> e : SUBCOMMANDS.entrySet()) {
            if (!justOne || e.getKey().equals(first)) {
                cl.addSubcommand(e.getKey(), e.getValue().get());
            }
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionExceptionHandler(new Failures());
        return cl;
    }

    /** Usage errors: the message and a pointer to --help, not the whole help (exit 2). */
    static final class UsageErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return USAGE;
        }
    }

    /** Runtime failures: the message (written to say what to do), a stack trace only with --debug. */
    static final class Failures implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
            Object command = cmd.getCommand();
            boolean debug = command instanceof ShmCommand && ((ShmCommand) command).debug;
            String name = cmd.getCommandSpec().qualifiedName();
            PrintWriter err = cmd.getErr();
            int code = FAILURE;
            if (ex instanceof NtpdShmException || ex instanceof CliException) {
                err.println(name + ": " + toolWords(ex.getMessage()));
                if (ex instanceof NtpdShmException && ((NtpdShmException) ex).operation().equals("backend")
                        && panamaWantedButTooOld(command)) {
                    err.println(name + ": this is Java " + Runtime.version().feature() + "; the Panama backend needs"
                            + " Java 22 or newer: run the jar with one, or use the ntpdshm script, which picks one from"
                            + " JAVA_HOME or /usr/lib/jvm.");
                }
            } else if (ex instanceof IllegalArgumentException) {
                err.println(name + ": " + ex.getMessage());
                err.println("Try '" + name + " --help' for more information.");
                code = USAGE;
            } else {
                err.println(name + ": unexpected error: " + ex + (debug ? "" : " (run with --debug for the stack trace)"));
            }
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        }
    }

    /** The hint about Java 22 is true only on an older Java, and only when Panama was asked for or nothing else works. */
    private static boolean panamaWantedButTooOld(Object command) {
        if (Runtime.version().feature() >= 22) {
            return false;
        }
        String asked = command instanceof ShmCommand ? ((ShmCommand) command).backend : null;
        if (asked == null) {
            asked = System.getProperty(ShmBackends.PROPERTY);
        }
        return asked == null || asked.trim().isEmpty() || asked.trim().equalsIgnoreCase("panama");
    }

    /** The API's advice names its own calls; from the shell, name the tool's flag instead. */
    static String toolWords(String message) {
        return message.replace("ntpdshm takes permissions(0666)", "ntpdshm feed takes --permissions 0666");
    }

    /** {@code --version}: the tool's version, the Java running it and the backends it can use there. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            List<String> lines = new ArrayList<>();
            lines.add("ntpdshm " + toolVersion());
            lines.add("Java " + System.getProperty("java.runtime.version", System.getProperty("java.version"))
                    + " (" + System.getProperty("java.vendor", "?") + ") at " + System.getProperty("java.home"));
            List<ShmBackends.Candidate> all = ShmBackends.candidates();
            if (all.isEmpty()) {
                lines.add("backends: none on the class path");
            }
            boolean chosen = false;
            for (ShmBackends.Candidate c : all) {
                String mark = "";
                if (c.isAvailable() && !chosen) {
                    mark = " (default)";
                    chosen = true;
                }
                lines.add("backend " + c + mark);
            }
            return lines.toArray(new String[0]);
        }

        static String toolVersion() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // fall through
            }
            return p.getProperty("version", "unknown");
        }
    }
}
