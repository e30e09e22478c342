/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

/** A failure the tool explains itself (exit code 1): the message says what is wrong and what to do. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }
}
