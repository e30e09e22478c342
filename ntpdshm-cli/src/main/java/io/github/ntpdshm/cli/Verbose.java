package io.github.ntpdshm.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code --verbose}: the library logs through {@link System.Logger} (no logging dependency), which the JDK routes
 * to java.util.logging; this shows its DEBUG messages on stderr as {@code ntpdshm: ...} lines.
 */
final class Verbose {

    private static Logger root;

    private Verbose() {
    }

    static synchronized void enable() {
        if (root != null) {
            return;
        }
        root = Logger.getLogger("io.github.ntpdshm");
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return "ntpdshm: " + formatMessage(r) + System.lineSeparator();
            }
        });
        root.addHandler(h);
        root.setLevel(Level.ALL);
        root.setUseParentHandlers(false);
    }
}
