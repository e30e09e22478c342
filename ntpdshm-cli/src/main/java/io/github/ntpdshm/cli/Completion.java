/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** Prints picocli's bash completion script for every subcommand and option. */
@Command(name = "completion", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Print a bash completion script.",
        description = {"Prints a bash (and zsh) completion script for ntpdshm.",
                "Use it with:  source <(ntpdshm completion)",
                "or install it: ntpdshm completion > /etc/bash_completion.d/ntpdshm"})
final class Completion implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.out.print(AutoComplete.bash("ntpdshm", spec.root().commandLine()));
        System.out.flush();
        return 0;
    }
}
