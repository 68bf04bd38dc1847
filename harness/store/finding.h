/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The findings store: one folder per distinct finding, written atomically,
 * never overwritten.
 *
 *   <root>/<signature>/          first occurrence, complete or absent
 *       program.mmu, input.bin, verdict.txt, obs-<kernel>.txt,
 *       trace-<kernel>.txt, console-<kernel>.log, ...  (caller's files)
 *       hits                     one line per later duplicate
 *
 * A finding is assembled in <root>/.tmp-<signature>-XXXXXX and renamed
 * into place, so a crash mid-write leaves no half folder under the real
 * name, and a second finding with the same signature only appends to
 * "hits": nothing already saved is lost or overwritten.
 */
#ifndef MMUFUZZ_FINDING_H
#define MMUFUZZ_FINDING_H

#include <stddef.h>

struct finding_file {
	const char *name;	/* plain file name, no '/' */
	const void *data;
	size_t len;
};

/*
 * Signature = verdict class + first violating op kind + paging mode, e.g.
 * "regression-read-pae".  Characters outside [a-z0-9-] become '-'.
 */
void finding_signature(const char *cls, const char *op_kind, const char *mode,
		       char *out, size_t cap);

/*
 * Save a finding.  Returns 1 when a new folder was created, 0 when the
 * signature already existed (its "hits" file gained a line with `note`),
 * or -errno on failure (nothing under the real name is changed then).
 * The folder's path goes to path_out when non-NULL.
 */
int finding_save(const char *root, const char *signature, const struct finding_file *files,
		 size_t n, const char *note, char *path_out, size_t cap);

/*
 * A path in dir for a new file called base (e.g. "minimized.mmu"); if
 * that exists, base with -2, -3, ... before the extension: nothing saved
 * is ever overwritten.  0, or -ENAMETOOLONG/-EEXIST.
 */
int finding_fresh_path(const char *dir, const char *base, char *out, size_t cap);

/*
 * Load the program a finding folder holds (its minimized.mmu if there is
 * one, else program.mmu), or a plain .mmu/.bin file.  dir gets the folder
 * ("" for a plain file).  0, or -errno with "path: why" in err.
 */
struct program;
int finding_load(const char *path, struct program *p, char *dir, size_t cap, char *err,
		 size_t errlen);

/*
 * Hold SIGTERM, SIGINT and SIGHUP while a finding is written (finding_save
 * does): a stop request then takes effect once the folder is complete or
 * gone, never in between.  A single-threaded process (mmufuzz, the fuzz
 * drivers: see fuzz/engine.h) is covered whole; SIGKILL cannot be held.
 * release restores the mask hold saved.  Neither fails.
 */
#include <signal.h>
void finding_signals_hold(sigset_t *old);
void finding_signals_release(const sigset_t *old);

/*
 * Replace the file at path with data, atomically: written to a temporary
 * file beside it, fsync'ed, renamed over it, with the stop signals held
 * (as finding_save).  A crash or a full disk leaves the old file whole.
 * For state that is rewritten (a night's expected verdicts); findings
 * themselves are never replaced.  0, or -errno (the old file unchanged).
 */
int finding_replace_file(const char *path, const void *data, size_t len);

/* mkdir -p: the folder and its missing parents (0755); 0 or -errno. */
int finding_mkdir_parents(const char *path);

#endif /* MMUFUZZ_FINDING_H */
