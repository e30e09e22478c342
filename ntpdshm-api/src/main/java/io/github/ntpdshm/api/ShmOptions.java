/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Texts;

import java.util.Objects;
import java.util.Optional;

/**
 * How to open a unit: which key, which layout, create or attach, permissions, read-only, which backend.
 * Immutable; build one with {@link #builder(int)}.
 *
 * <pre>{@code
 * ShmOptions o = ShmOptions.builder(2).layout(ShmLayout.ILP32).attachOnly().build();
 * }</pre>
 */
public final class ShmOptions {

    /** ntpd's key base, {@code "NTP0"}: unit N is key {@code 0x4E545030 + N}. */
    public static final int DEFAULT_KEY_BASE = 0x4E545030;
    /** Highest unit accepted; NTPsec and gpsd accept more than ntpd classic's 0..3. */
    public static final int MAX_UNIT = 255;

    private final int unit;
    private final int keyBase;
    private final ShmLayout layout;
    private final boolean create;
    private final int permissions;
    private final boolean readOnly;
    private final String backend;

    private ShmOptions(Builder b) {
        this.unit = b.unit;
        this.keyBase = b.keyBase;
        this.layout = b.layout;
        this.readOnly = b.readOnly;
        this.create = b.create == null ? !b.readOnly : b.create;
        this.permissions = b.permissions == null ? defaultPermissions(b.unit) : b.permissions;
        this.backend = b.backend;
    }

    /**
     * Options for this unit with every default: ntpd's key base, the layout inferred or the platform's, create,
     * ntpd's permissions, the best available backend.
     *
     * @param unit 0..{@value #MAX_UNIT}
     * @return the options
     */
    public static ShmOptions of(int unit) {
        return builder(unit).build();
    }

    /**
     * A builder for this unit.
     *
     * @param unit 0..{@value #MAX_UNIT}
     * @return a builder holding the defaults
     */
    public static Builder builder(int unit) {
        return new Builder(unit);
    }

    /** {@return a builder holding these options, to change some of them} */
    public Builder toBuilder() {
        Builder b = new Builder(unit).keyBase(keyBase).create(create).permissions(permissions).readOnly(readOnly);
        b.layout = layout;
        b.backend = backend;
        return b;
    }

    /**
     * ntpd's permissions: 0600 for units 0 and 1, so that no unprivileged process can steer the system clock,
     * and 0666 from unit 2 on.
     *
     * @param unit 0..{@value #MAX_UNIT}
     * @return 0600 or 0666
     */
    public static int defaultPermissions(int unit) {
        return unit < 2 ? 0600 : 0666;
    }

    /** {@return the unit, 0..{@value #MAX_UNIT}} */
    public int unit() {
        return unit;
    }

    /** {@return the key base; {@link #DEFAULT_KEY_BASE} unless set} */
    public int keyBase() {
        return keyBase;
    }

    /** {@return the System V key: key base + unit} */
    public int key() {
        return keyBase + unit;
    }

    /**
     * {@return the layout asked for, or empty to infer it from an existing segment's size, and for a new one to take
     * the local daemons' ({@link LayoutChoice#forNewSegments()})}
     */
    public Optional<ShmLayout> layout() {
        return Optional.ofNullable(layout);
    }

    /** {@return whether a missing segment is created (default: yes, unless read-only)} */
    public boolean create() {
        return create;
    }

    /** {@return permission bits for a segment this process creates (default {@link #defaultPermissions(int)})} */
    public int permissions() {
        return permissions;
    }

    /** {@return whether the segment is attached with {@code SHM_RDONLY}; such a handle never writes} */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * {@return the backend asked for by name, or empty for the {@code ntpdshm.backend} property or the best
     * available}
     */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    @Override
    public String toString() {
        return "ShmOptions[unit=" + unit + ", key=" + Texts.hex(key())
                + ", layout=" + (layout == null ? "inferred" : layout.name())
                + ", create=" + create + ", permissions=0" + Integer.toOctalString(permissions)
                + ", readOnly=" + readOnly + ", backend=" + (backend == null ? "auto" : backend) + "]";
    }

    /** Builds {@link ShmOptions}; every setter checks its argument at once. */
    public static final class Builder {
        private final int unit;
        private int keyBase = DEFAULT_KEY_BASE;
        private ShmLayout layout;
        private Boolean create;
        private Integer permissions;
        private boolean readOnly;
        private String backend;

        private Builder(int unit) {
            if (unit < 0 || unit > MAX_UNIT) {
                throw new IllegalArgumentException("unit " + unit + " is out of range: units are 0.." + MAX_UNIT
                        + " (key = key base + unit; ntpd classic uses 0..3)");
            }
            this.unit = unit;
        }

        /**
         * The key base (default {@link ShmOptions#DEFAULT_KEY_BASE}). Tests and side-by-side setups use their own
         * so that they never touch the units a daemon reads.
         *
         * @param keyBase the key of unit 0; unit N uses key base + N
         * @return this builder
         */
        public Builder keyBase(int keyBase) {
            long key = (long) keyBase + unit;
            if (keyBase < 1 || key > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("key base " + Texts.hex(keyBase) + " with unit " + unit
                        + " gives key " + (key == 0 ? "0 (IPC_PRIVATE)" : keyBase < 1 ? Texts.hex((int) key)
                        + " from a key base below 0x1" : "beyond 0x7fffffff")
                        + "; choose a key base between 0x1 and 0x" + Integer.toHexString(Integer.MAX_VALUE - MAX_UNIT));
            }
            this.keyBase = keyBase;
            return this;
        }

        /**
         * The layout to use; an existing segment of another size is refused. Default: inferred from an existing
         * segment's size, else the platform's.
         *
         * @param layout the layout
         * @return this builder
         */
        public Builder layout(ShmLayout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        /**
         * Whether to create the segment when the key has none (default: true unless read-only).
         *
         * @param create true to create
         * @return this builder
         */
        public Builder create(boolean create) {
            this.create = create;
            return this;
        }

        /**
         * Same as {@code create(false)}: the segment must exist.
         *
         * @return this builder
         */
        public Builder attachOnly() {
            return create(false);
        }

        /**
         * Permission bits for a segment this process creates.
         *
         * @param permissions 0 to 0777
         * @return this builder
         */
        public Builder permissions(int permissions) {
            if (permissions < 0 || permissions > 0777) {
                throw new IllegalArgumentException("permissions 0" + Integer.toOctalString(permissions)
                        + " are out of range 0..0777 (e.g. 0600 as ntpd for units 0/1, 0666 for 2 and up)");
            }
            this.permissions = permissions;
            return this;
        }

        /**
         * Attach with {@code SHM_RDONLY} and {@code shmget(key, 0, 0)}, as a monitor does: works on segments this
         * process may read but not write, never creates, and reads never clear {@code valid}.
         *
         * @param readOnly true for a monitor's handle
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Use this backend instead of the automatic choice.
         *
         * @param backend {@code panama}, {@code jna} or {@code jnr}
         * @return this builder
         */
        public Builder backend(String backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * The options.
         *
         * @return the options
         * @throws IllegalArgumentException if read-only was combined with create
         */
        public ShmOptions build() {
            if (readOnly && Boolean.TRUE.equals(create)) {
                throw new IllegalArgumentException("unit " + unit + ": a read-only handle cannot create the segment;"
                        + " drop create(true) or readOnly(true)");
            }
            return new ShmOptions(this);
        }
    }
}
