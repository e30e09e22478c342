#
# SPDX-License-Identifier: Apache-2.0
#
"""The Python writer of the fidelity benchmark (fidelity.sh): the seed's design, a ctypes struct shmTime
over the attached segment and update(clock_time) that stamps the receive time itself with time.time().

    python3 fidelity.py HZ SAMPLES KEY

Prints one JSON object, as Fidelity.java does: per sample, the caller's clock reading (time.time_ns()) to the
receive stamp, and to the update's return (a second time.time_ns()). Nothing runs between the reading and
the update, as in the Java and C writers. Creates the segment under KEY (a private
key) and removes it before exit. Python has no fences; the stores are in gpsd's order.
"""
import ctypes
import json
import math
import sys
import time

IPC_CREAT, IPC_EXCL, IPC_RMID = 0o1000, 0o2000, 0


class ShmTime(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("count", ctypes.c_int),
                ("clockTimeStampSec", ctypes.c_long), ("clockTimeStampUSec", ctypes.c_int),
                ("receiveTimeStampSec", ctypes.c_long), ("receiveTimeStampUSec", ctypes.c_int),
                ("leap", ctypes.c_int), ("precision", ctypes.c_int), ("nsamples", ctypes.c_int),
                ("valid", ctypes.c_int), ("clockTimeStampNSec", ctypes.c_uint),
                ("receiveTimeStampNSec", ctypes.c_uint), ("dummy", ctypes.c_int * 8)]


class Shm:
    def __init__(self, key):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        libc.shmdt.argtypes = [ctypes.c_void_p]
        self.libc = libc
        self.id = libc.shmget(key, ctypes.sizeof(ShmTime), IPC_CREAT | IPC_EXCL | 0o600)
        if self.id < 0:
            raise OSError(ctypes.get_errno(), "shmget")
        self.addr = libc.shmat(self.id, None, 0)
        libc.shmctl(self.id, IPC_RMID, None)  # removed once detached, whatever happens next
        if self.addr in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "shmat")
        self.t = ShmTime.from_address(self.addr)

    def update(self, clock_time):
        receive_time = time.time()
        t = self.t
        t.mode = 1
        t.valid = 0
        t.count += 1
        cs = math.floor(clock_time)
        rs = math.floor(receive_time)
        t.clockTimeStampSec = cs
        t.clockTimeStampUSec = int((clock_time - cs) * 1e6)
        t.clockTimeStampNSec = int((clock_time - cs) * 1e9)
        t.receiveTimeStampSec = rs
        t.receiveTimeStampUSec = int((receive_time - rs) * 1e6)
        t.receiveTimeStampNSec = int((receive_time - rs) * 1e9)
        t.leap = 0
        t.precision = -20
        t.count += 1
        t.valid = 1

    def close(self):
        self.libc.shmdt(ctypes.c_void_p(self.addr))


def main():
    hz, n, key = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3], 0)
    gap, call = [], []
    t0 = time.monotonic_ns()
    shm = Shm(key)
    open_ns = time.monotonic_ns() - t0
    first_ns = 0
    try:
        for i in range(n):
            caller = time.time_ns()
            shm.update(caller / 1e9 - 1.0)
            end = time.time_ns()
            if i == 0:
                first_ns = time.monotonic_ns() - t0
            gap.append(shm.t.receiveTimeStampSec * 1000000000 + shm.t.receiveTimeStampNSec - caller)
            call.append(end - caller)
            time.sleep(1.0 / hz)
    finally:
        shm.close()
    print(json.dumps({"writer": "Python", "jdk": "", "backend": "ctypes %d.%d" % sys.version_info[:2],
                      "op": "update(clock_time), the seed's design", "hz": hz, "openNs": open_ns,
                      "firstSampleNs": first_ns, "gapNs": gap, "callNs": call}, separators=(",", ":")))


if __name__ == "__main__":
    main()
