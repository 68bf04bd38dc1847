/* SPDX-License-Identifier: GPL-2.0 */
/* Packed struct run_obs on the VM channel (vmclient_proto.h). */
#ifndef MMUFUZZ_VMCLIENT_PACK_H
#define MMUFUZZ_VMCLIENT_PACK_H

#include <stddef.h>
#include <stdint.h>
#include "harness/core/observation.h"

/* Pack obs into out; returns the bytes used, 0 if cap is too small. */
size_t vmp_obs_pack(const struct run_obs *obs, uint8_t *out, size_t cap);

/* Unpack into *obs; returns the bytes consumed, or -EPROTO when in is
 * malformed or cut short (*obs is then partly written). */
long vmp_obs_unpack(const uint8_t *in, size_t len, struct run_obs *obs);

#endif /* MMUFUZZ_VMCLIENT_PACK_H */
