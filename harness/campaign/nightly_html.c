// SPDX-License-Identifier: GPL-2.0
/*
 * The nightly report as one self-contained HTML page: the Markdown report
 * (the subset nightly.c writes: #/##/### headings, "- " lists, `code`,
 * **bold**, [text](link) for the coverage pages) turned into HTML, and gnuplot's SVG plots inlined: programs/s
 * and corpus size over tonight, programs/s over the past nights.  The
 * plots' data are the night's progress samples (<findings>/nightly/
 * tonight.dat) and one line per night (<findings>/nightly/history.dat).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness/campaign/fuzz.h"
#include "harness/campaign/nightly.h"
#include "harness/campaign/nightly_int.h"
#include "harness/program/prog.h"
#include "harness/report/repro.h"
#include "harness/store/finding.h"

/* The plots' line colour: check-nightly.sh counts its pixels. */
#define PLOT_RGB "#c0392b"

static void put_escaped(FILE *f, const char *s, size_t n);

/*
 * "[text](target)" at s[0..n): the length it spans, or 0 when it is not
 * one (then the '[' is text).  The target is a relative path or URL of
 * the report's own files: no quote, angle bracket or space in it.
 */
static size_t link_len(const char *s, size_t n, size_t *text_end, size_t *url, size_t *url_end)
{
	const char *close = memchr(s, ']', n);
	size_t t, u;

	if (!close || (size_t)(close - s) + 1 >= n || close[1] != '(')
		return 0;
	t = (size_t)(close - s);
	for (u = t + 2; u < n && s[u] != ')'; u++)
		if (strchr("\"'<> `", s[u]))
			return 0;
	if (u == n || u == t + 2)
		return 0;
	*text_end = t;
	*url = t + 2;
	*url_end = u;
	return u + 1;
}

static void put_escaped(FILE *f, const char *s, size_t n)
{
	int code = 0, bold = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		size_t te, us, ue, ll;

		if (!code && c == '[' && (ll = link_len(s + i, n - i, &te, &us, &ue))) {
			fprintf(f, "<a href=\"%.*s\">", (int)(ue - us), s + i + us);
			put_escaped(f, s + i + 1, te - 1);
			fputs("</a>", f);
			i += ll - 1;
		} else if (c == '`') {
			fputs(code ? "</code>" : "<code>", f);
			code = !code;
		} else if (!code && c == '*' && i + 1 < n && s[i + 1] == '*') {
			fputs(bold ? "</strong>" : "<strong>", f);
			bold = !bold;
			i++;
		} else if (c == '<') {
			fputs("&lt;", f);
		} else if (c == '>') {
			fputs("&gt;", f);
		} else if (c == '&') {
			fputs("&amp;", f);
		} else {
			fputc(c, f);
		}
	}
	if (code)
		fputs("</code>", f);
	if (bold)
		fputs("</strong>", f);
}

static void md_to_html(FILE *f, const char *md, size_t len)
{
	const char *s = md, *top = md + len;
	int in_list = 0;

	while (s < top) {
		const char *end = memchr(s, '\n', (size_t)(top - s));
		size_t n = end ? (size_t)(end - s) : (size_t)(top - s);
		int h = 0;

		while (h < 3 && h < (int)n && s[h] == '#')
			h++;
		if (in_list && (n < 2 || strncmp(s, "- ", 2))) {
			fputs("</ul>\n", f);
			in_list = 0;
		}
		if (h && h < (int)n && s[h] == ' ') {
			fprintf(f, "<h%d>", h);
			put_escaped(f, s + h + 1, n - (size_t)h - 1);
			fprintf(f, "</h%d>\n", h);
		} else if (n >= 2 && !strncmp(s, "- ", 2)) {
			if (!in_list)
				fputs("<ul>\n", f);
			in_list = 1;
			fputs("<li>", f);
			put_escaped(f, s + 2, n - 2);
			fputs("</li>\n", f);
		} else if (n) {
			fputs("<p>", f);
			put_escaped(f, s, n);
			fputs("</p>\n", f);
		}
		s += n + (end ? 1 : 0);
	}
	if (in_list)
		fputs("</ul>\n", f);
}

/* Run gnuplot on script; the SVG it wrote (malloc'ed) or NULL. */
static char *plot(const char *tmp, const char *name, const char *script)
{
	char sp[PATH_MAX + 64], out[PATH_MAX + 64], cmd[2 * PATH_MAX + 160], *svg = NULL;
	size_t len;
	FILE *f;
	int st;

	snprintf(sp, sizeof(sp), "%s/%s.gp", tmp, name);
	snprintf(out, sizeof(out), "%s/%s.svg", tmp, name);
	f = fopen(sp, "w");
	if (!f)
		return NULL;
	fprintf(f, "set terminal svg size 640,260 font 'sans,10' background '#ffffff'\n"
		   "set output '%s'\nset grid\nset key off\n%s\n", out, script);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gnuplot '%s' 2>'%s/%s.err'", sp, tmp, name);
	st = fuzz_system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
		return NULL;
	if (prog_read_file(out, 4u << 20, &svg, &len, NULL, 0))
		return NULL;
	svg = realloc(svg, len + 1);
	if (svg)
		svg[len] = 0;
	return svg;
}

static int has_data(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += line[0] != '#';
	fclose(f);
	return n;
}

static void plots(FILE *f, const char *state)
{
	char tmp[] = "/tmp/mmufuzz-plot-XXXXXX", script[2 * PATH_MAX + 512], rm[64];
	char tonight[PATH_MAX + 32], history[PATH_MAX + 32];
	static const struct {
		const char *name, *title, *data, *fmt;
	} p[] = {
		{ "rate", "Programs/s tonight", "tonight",
		  "set xlabel 'seconds into the night'\nset ylabel 'programs/s'\n"
		  "plot '%s' using 1:3 with linespoints lw 2 lc rgb '" PLOT_RGB "'" },
		{ "corpus", "Corpus size tonight (engine queue)", "tonight",
		  "set xlabel 'seconds into the night'\nset ylabel 'programs'\n"
		  "plot '%s' using 1:4 with linespoints lw 2 lc rgb '" PLOT_RGB "'" },
		{ "history", "Programs/s over the past nights", "history",
		  "set xlabel 'night'\nset ylabel 'programs/s'\nset xtics 1\n"
		  "plot '%s' using 0:3 with linespoints lw 2 pt 7 lc rgb '" PLOT_RGB "'" },
	};

	snprintf(tonight, sizeof(tonight), "%s/tonight.dat", state);
	snprintf(history, sizeof(history), "%s/history.dat", state);
	fputs("<h2>Plots</h2>\n", f);
	if (access("/usr/bin/gnuplot", X_OK) && system("command -v gnuplot >/dev/null 2>&1")) {
		fputs("<p>No plots: gnuplot is not installed (apt-get install gnuplot-nox).</p>\n", f);
		return;
	}
	if (!mkdtemp(tmp)) {
		fputs("<p>No plots: no temporary folder.</p>\n", f);
		return;
	}
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		const char *data = !strcmp(p[i].data, "tonight") ? tonight : history;
		char *svg;

		fprintf(f, "<h3>%s</h3>\n", p[i].title);
		if (!has_data(data)) {
			fprintf(f, "<p>no samples in %s</p>\n", data);
			continue;
		}
		snprintf(script, sizeof(script), p[i].fmt, data);
		svg = plot(tmp, p[i].name, script);
		if (!svg) {
			fprintf(f, "<p>gnuplot failed (see %s/%s.err)</p>\n", tmp, p[i].name);
			continue;
		}
		/* Inline: the SVG without its XML prolog. */
		fputs(strstr(svg, "<svg") ? strstr(svg, "<svg") : svg, f);
		fputc('\n', f);
		free(svg);
	}
	fputs("<p>KVM coverage over the night is not plotted; each patch's coverage "
	      "(the engine's inputs replayed on its +cov build) is in its section above.</p>\n", f);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", tmp);
	if (system(rm))
		return;
}

int nightly_write_html(const char *findings, const char *md, size_t len, const char *base,
		       char *out, size_t cap)
{
	char state[PATH_MAX], *html = NULL;
	size_t hlen = 0;
	FILE *f = open_memstream(&html, &hlen);
	int ret;

	if (!f)
		return -ENOMEM;
	snprintf(state, sizeof(state), "%s/nightly", findings);
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mmufuzz nightly</title>\n"
	      "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;"
	      "color:#222}h1{border-bottom:2px solid #555}h3{margin-bottom:.2em}"
	      "code{background:#f2f2f2;padding:0 .2em;font-size:90%}li{margin:.15em 0}"
	      "svg{display:block;margin:.5em 0}</style></head><body>\n", f);
	md_to_html(f, md, len);
	plots(f, state);
	fputs("</body></html>\n", f);
	fclose(f);
	if (!html)
		return -ENOMEM;
	ret = repro_write_text(findings, base, html, hlen, out, cap);
	free(html);
	return ret;
}
