/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The NTP shared-memory reference clock (ntpd's driver 28, "SHM") and chrony's SOCK refclock: {@link
 * io.github.ntpdshm.api.NtpdShm} for one SHM unit, {@link io.github.ntpdshm.api.ChronySock} for a SOCK socket.
 *
 * <h2>Threads and lifetime</h2>
 * A handle is safe to share between threads: writes and {@link io.github.ntpdshm.api.NtpdShm#close()} hold the handle's
 * lock, so updates never interleave and no write races {@code close()}. Reads hold it too, except a {@link
 * io.github.ntpdshm.api.NtpdShm#peek()} where the backend's memory itself makes an access racing {@code close()} fail
 * in Java (Panama); a read concurrent with a write in the same process is protected by the count protocol, as ntpd's
 * is, and reports a {@link io.github.ntpdshm.api.ShmRead.Status#CLASH} rather than a torn sample. After {@code close()}
 * every method but {@code close()}, {@link io.github.ntpdshm.api.NtpdShm#isClosed()} and the identity getters throws
 * {@link IllegalStateException}; the detached address is never touched. Closing detaches but leaves the segment in
 * place, as ntpd and gpsd do; {@link io.github.ntpdshm.api.NtpdShm#removeSegment()} removes it. Close every handle: one
 * that is dropped without {@code close()} stays attached until the garbage collector finds it unreachable, and is only
 * then detached by a {@link java.lang.ref.Cleaner}.
 *
 * <h2>One writer per unit</h2>
 * The count protocol protects readers from a writer, not writers from each other: two writers on one unit (two
 * processes, or two handles in one process) interleave their samples, and readers can then accept a sample that mixes
 * both. Give each unit exactly one writer, with one handle shared by its threads. A handle notices when {@code count}
 * moved between two of its own samples, which only another writer does, and counts it in {@link
 * io.github.ntpdshm.api.NtpdShm#otherWriterUpdates()}. A writer whose predecessor died between its two {@code count}
 * increments finds {@code count} odd; the next sample makes it even again.
 *
 * <h2>Errors</h2>
 * Failing system calls throw {@link io.github.ntpdshm.api.NtpdShmException}; bad arguments throw {@link
 * IllegalArgumentException} before anything is written; a write through a read-only handle throws {@link
 * IllegalStateException}. Times before 1970, beyond the layout's {@code time_t} or beyond {@link java.time.Instant#MAX}
 * are bad arguments for {@code update}. Reading never throws because of what a segment holds: a hostile segment's
 * sample says what is out of range (see {@link io.github.ntpdshm.api.ShmSample}).
 */
package io.github.ntpdshm.api;
