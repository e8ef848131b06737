/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A model of the MMIO-guard hypervisor for one guest, written from the ABI
 * (the SMCCC vendor-specific hypervisor calls of pKVM and of upstream KVM),
 * independently of src/. Tests route a guest tracker's hypercalls to it and
 * ask it whether a trapped MMIO access would be carried out.
 *
 * The ABIs (function IDs; SMCCC fast calls, x1 = the argument, x0 = the
 * result):
 *  - Android (pKVM): MEMINFO 0xC6000002, MMIO_GUARD_INFO 0xC6000005,
 *    MMIO_GUARD_ENROLL 0xC6000006, MMIO_GUARD_MAP 0xC6000007,
 *    MMIO_GUARD_UNMAP 0xC6000008;
 *  - upstream: MEMINFO 0xC6000002 and MMIO_GUARD (map) 0xC6000007 only.
 *
 * The rules the model applies, in this order:
 *  - not offered (offered == false): every call NOT_SUPPORTED;
 *  - a function ID the ABI does not have: NOT_SUPPORTED;
 *  - MEMINFO, INFO: the granule;
 *  - ENROLL: the flag is set (again: no change), SUCCESS;
 *  - MAP x1: INVALID_PARAMETER unless the guest enrolled (Android ABI only),
 *    x1 is granule aligned, no byte of the granule is guest RAM, and the
 *    granule is guarded already (SUCCESS, nothing changes, no second slot)
 *    or a slot is free (then it is guarded);
 *  - UNMAP x1: INVALID_PARAMETER unless x1 is the base of a guarded
 *    granule, which is then unguarded.
 * A call the test told to fail (mmioh_fail()) returns the value given and
 * changes nothing. Every call is counted per function and logged.
 *
 * An access [ipa, ipa + size) is allowed when every granule it touches is
 * guarded (size 0 or a range that wraps: not allowed).
 *
 * It includes nothing from src/ or include/armmap/.
 */
#ifndef ARMMAP_MODEL_MMIO_HYP_H
#define ARMMAP_MODEL_MMIO_HYP_H

#include <stdbool.h>
#include <stdint.h>

#define MMIOH_FID_MEMINFO 0xC6000002u
#define MMIOH_FID_INFO 0xC6000005u
#define MMIOH_FID_ENROLL 0xC6000006u
#define MMIOH_FID_MAP 0xC6000007u
#define MMIOH_FID_UNMAP 0xC6000008u

#define MMIOH_SUCCESS 0
#define MMIOH_NOT_SUPPORTED (-1)
#define MMIOH_INVALID_PARAMETER (-3)

#define MMIOH_MAX_SLOTS 4096u /* guarded granules the model can hold */
#define MMIOH_MAX_RAM 8u      /* guest RAM ranges */
#define MMIOH_LOG 1024u	      /* calls kept in the log */

enum mmioh_abi {
	MMIOH_ABI_ANDROID = 0,
	MMIOH_ABI_UPSTREAM = 1,
};

/* What a call was, for the counters and the fault injection. */
enum mmioh_fn {
	MMIOH_MEMINFO = 0,
	MMIOH_INFO = 1,
	MMIOH_ENROLL = 2,
	MMIOH_MAP = 3,
	MMIOH_UNMAP = 4,
	MMIOH_OTHER = 5, /* any other function ID, or one the ABI lacks */
	MMIOH_FN_COUNT
};

struct mmioh_call_rec {
	uint32_t fid;
	uint64_t arg;
	int64_t ret;
};

struct mmioh {
	int abi;	  /* enum mmioh_abi */
	uint64_t granule; /* what MEMINFO / INFO answer, and the guard unit */
	bool offered;	  /* false: the hypervisor has no MMIO guard */
	bool enrolled;
	unsigned int cap; /* slots: granules that may be guarded at once */

	/* The guarded granules (their IPAs), sorted. */
	unsigned int nr;
	uint64_t guarded[MMIOH_MAX_SLOTS];

	/* Guest RAM: MAP of a granule touching it is refused. */
	unsigned int nram;
	uint64_t ram_base[MMIOH_MAX_RAM], ram_size[MMIOH_MAX_RAM];

	/* Counters: every call, per function (refused and injected ones too). */
	unsigned long calls[MMIOH_FN_COUNT];
	unsigned long ncalls;
	unsigned long refused;	/* NOT_SUPPORTED / INVALID_PARAMETER by the rules */
	unsigned long injected; /* failures returned by the injection */

	/* The log: call n is log[n % MMIOH_LOG], n < ncalls. */
	struct mmioh_call_rec log[MMIOH_LOG];

	/* Fault injection (mmioh_fail()). */
	int fail_fn;		/* enum mmioh_fn, -1: none */
	unsigned long fail_at;	/* the fail_at-th call of fail_fn from the mmioh_fail() (from 0) */
	unsigned long fail_seq; /* calls of fail_fn since the mmioh_fail() */
	bool fail_sticky;	/* every call of fail_fn from fail_at on */
	int64_t fail_ret;
};

/*
 * mmioh_init() - an offered MMIO guard with @abi and @granule (a power of
 * two of at least 4 KiB: 4 and 16 KiB are what guests accept; others let
 * tests check that they refuse), @cap slots (at most MMIOH_MAX_SLOTS), not
 * enrolled, nothing guarded, no RAM, no injection. Returns 0, or -1.
 */
int mmioh_init(struct mmioh *m, enum mmioh_abi abi, uint64_t granule, unsigned int cap);

/* mmioh_add_ram() - [base, base + size) is guest RAM. Returns 0, or -1 (full). */
int mmioh_add_ram(struct mmioh *m, uint64_t base, uint64_t size);

/*
 * mmioh_call() - serve the SMCCC call @fid with x1 = @arg; the x0 result.
 * @m is a struct mmioh (the signature of a guest transport).
 */
int64_t mmioh_call(void *m, uint32_t fid, uint64_t arg);

/*
 * mmioh_fail() - call number @nth (from 0, counted from now) of function
 * @fn returns @ret and changes nothing; @sticky: every one from @nth on.
 * @fn -1: no injection.
 */
void mmioh_fail(struct mmioh *m, int fn, unsigned long nth, int64_t ret, bool sticky);

/* mmioh_fn_of() - which function @fid is in the model's ABI. */
enum mmioh_fn mmioh_fn_of(const struct mmioh *m, uint32_t fid);

/* mmioh_guarded() - is the granule that holds @ipa guarded? */
bool mmioh_guarded(const struct mmioh *m, uint64_t ipa);

/* mmioh_allowed() - would an access to [ipa, ipa + size) be carried out? */
bool mmioh_allowed(const struct mmioh *m, uint64_t ipa, uint64_t size);

/* mmioh_call_at() - the @n-th call (from 0), NULL when not kept. */
const struct mmioh_call_rec *mmioh_call_at(const struct mmioh *m, unsigned long n);

/* mmioh_reset_counts() - counters and log to 0; the state stays. */
void mmioh_reset_counts(struct mmioh *m);

#endif
