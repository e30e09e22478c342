/*
 * SPDX-License-Identifier: Apache-2.0
 */

/** The jnr-ffi backend: {@code io.github.ntpdshm.jnr.JnrBackend}, found by the API's {@code ServiceLoader}. */
@SuppressWarnings("requires-automatic") // jnr-ffi and jffi name their modules in their manifests only
module io.github.ntpdshm.jnr {
    requires io.github.ntpdshm;
    requires org.jnrproject.ffi;
    requires org.jnrproject.jffi;
    // jnr-ffi generates its bindings with ASM, whose jars are explicit modules that no automatic module can
    // require: without these, the module path fails with ClassNotFoundException: org.objectweb.asm.ClassVisitor
    requires org.objectweb.asm;
    requires org.objectweb.asm.commons;
    requires org.objectweb.asm.tree;
    requires org.objectweb.asm.tree.analysis;
    requires org.objectweb.asm.util;

    // jnr-ffi defines the class that implements JnrLibC.C in a loader of its own (an unnamed module), which may
    // implement the interface only if its package is exported; JnrLibC itself stays package-private
    exports io.github.ntpdshm.jnr;

    provides io.github.ntpdshm.spi.ShmBackend with io.github.ntpdshm.jnr.JnrBackend;
}
