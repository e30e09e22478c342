/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Writes a plausible NMEA 0183 fix (RMC, GGA, GSA, two GSV, ZDA) into a pseudo terminal once per UTC second,
 * {@value #LAG_MILLIS} ms after the second, naming that second: gpsd then publishes NTP0 samples whose clock is
 * the whole second and whose receive time is about {@value #LAG_MILLIS} ms later.
 */
final class NmeaFeeder implements AutoCloseable {

    static final int LAG_MILLIS = 50;

    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile int cycles;

    NmeaFeeder(Path device) {
        thread = new Thread(() -> run(device), "nmea-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Path device) {
        try (OutputStream out = new FileOutputStream(device.toFile())) {
            while (running) {
                long now = System.currentTimeMillis();
                long next = (now / 1000 + 1) * 1000;
                Thread.sleep(next - now + LAG_MILLIS);
                out.write(cycle(next / 1000).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                cycles++;
            }
        } catch (InterruptedException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    int cycles() {
        return cycles;
    }

    Throwable failure() {
        return failure;
    }

    static String cycle(long epochSecond) {
        ZonedDateTime d = Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC);
        String hms = String.format("%02d%02d%02d.00", d.getHour(), d.getMinute(), d.getSecond());
        String dmy = String.format("%02d%02d%02d", d.getDayOfMonth(), d.getMonthValue(), d.getYear() % 100);
        String pos = "4807.038,N,01131.000,E";
        return sentence("GPRMC," + hms + ",A," + pos + ",0.0,0.0," + dmy + ",,,A")
                + sentence("GPGGA," + hms + "," + pos + ",1,08,0.9,545.4,M,46.9,M,,")
                + sentence("GPGSA,A,3,04,05,09,12,24,25,29,31,,,,,1.8,0.9,1.5")
                + sentence("GPGSV,2,1,08,04,45,120,40,05,30,060,38,09,60,250,42,12,20,300,35")
                + sentence("GPGSV,2,2,08,24,50,180,41,25,15,090,33,29,70,020,44,31,25,330,36")
                + sentence(String.format("GPZDA,%s,%02d,%02d,%04d,00,00", hms, d.getDayOfMonth(), d.getMonthValue(),
                d.getYear()));
    }

    private static String sentence(String body) {
        int c = 0;
        for (byte b : body.getBytes(StandardCharsets.US_ASCII)) {
            c ^= b;
        }
        return String.format("$%s*%02X\r\n", body, c);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
