package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ShmOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** What every subcommand that touches segments shares: backend, key base, --debug (listed last in --help). */
abstract class ShmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", order = 90, converter = Converters.Backend.class,
            description = "panama, jna or jnr (default: the best that works in this Java; also -Dntpdshm.backend=NAME)")
    String backend;

    @Option(names = "--key-base", paramLabel = "HEX", order = 91, converter = Converters.KeyBase.class, defaultValue = "0x4e545030",
            description = "key of unit 0, 0x... or decimal (default: ${DEFAULT-VALUE}, ntpd's \"NTP0\"; unit N is key base + N)."
                    + " Use another one to stay clear of a running ntpd.")
    int keyBase;

    @Option(names = "--debug", order = 92, description = "on errors, print the stack trace too")
    boolean debug;

    @Option(names = {"-v", "--verbose"}, order = 93,
            description = "log to stderr which backend was chosen and why the others were skipped")
    void verbose(boolean on) {
        if (on) {
            Verbose.enable();
        }
    }

    final PrintStream out = System.out;

    /** A builder for a unit with the common options applied. */
    ShmOptions.Builder options(int unit) {
        ShmOptions.Builder b = ShmOptions.builder(unit).keyBase(keyBase);
        if (backend != null) {
            b.backend(backend);
        }
        return b;
    }

    /** A usage error (exit code 2) found after parsing. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code --key-base 0x...} for hints, empty for ntpd's key base. */
    String keyBaseArg() {
        return keyBase == ShmOptions.DEFAULT_KEY_BASE ? "" : " --key-base " + Fmt.hex(keyBase);
    }
}
