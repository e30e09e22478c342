/*
 * SPDX-License-Identifier: Apache-2.0
 */
package com.example.shmbackend;

import io.github.ntpdshm.jna.JnaBackend;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A backend from outside the project, as far as ntpdshm can tell: its own name, found through
 * {@code META-INF/services/io.github.ntpdshm.spi.ShmBackend}. A real one binds the calls itself; this example
 * forwards them to the JNA backend, so that what it shows is only how a backend is registered and tested.
 */
public final class ExampleBackend implements ShmBackend {

    private final ShmBackend natives = new JnaBackend();

    @Override
    public String name() {
        return "example";
    }

    @Override
    public int priority() {
        return 1;  // below the built-in backends: chosen only by name
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return natives.unavailabilityCause();
    }

    @Override
    public int shmget(int key, long size, int shmflg) throws ErrnoException {
        return natives.shmget(key, size, shmflg);
    }

    @Override
    public ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        return natives.shmat(shmid, size, readOnly);
    }

    @Override
    public int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        return natives.shmctl(shmid, cmd, buf);
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        return natives.socket(domain, type, protocol);
    }

    @Override
    public void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        natives.bind(fd, addr, addrLen);
    }

    @Override
    public void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        natives.connect(fd, addr, addrLen);
    }

    @Override
    public int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        return natives.sendto(fd, buf, len, flags, addr, addrLen);
    }

    @Override
    public int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        return natives.recv(fd, buf, len, flags);
    }

    @Override
    public int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        return natives.poll(fds, nfds, timeoutMillis);
    }

    @Override
    public void close(int fd) throws ErrnoException {
        natives.close(fd);
    }
}
