// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * satnet_sanitizer.c: UBSan's reports of a sanitized module go to a file.
 *
 * Linked into the modules only by configure --enable-sanitizers. With gcc,
 * ASan and UBSan are two runtimes (libasan, libubsan), each with its own
 * report file. libubsan sets its file from UBSAN_OPTIONS' log_path through
 * __sanitizer_set_report_path(), but that call binds to libasan's exported
 * copy (libasan is preloaded, so first in the lookup order): UBSan's
 * log_path is ignored and its reports go to stderr, which a daemonized FRR
 * daemon has on /dev/null. When the module is loaded, hand log_path to
 * libubsan's own copy. With clang, UBSan lives inside the ASan runtime,
 * there is no libubsan and this does nothing.
 */

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

static void __attribute__((constructor)) satnet_ubsan_report_path(void)
{
	static char path[4096];
	const char *opts = getenv("UBSAN_OPTIONS"), *lp;
	void (*set_path)(const char *path);
	size_t len;
	void *ubsan;

	if (!opts)
		return;
	lp = strstr(opts, "log_path=");
	if (!lp)
		return;
	lp += strlen("log_path=");
	len = strcspn(lp, ": \t");
	if (len == 0 || len >= sizeof(path))
		return;
	memcpy(path, lp, len);
	path[len] = '\0';

	ubsan = dlopen("libubsan.so.1", RTLD_LAZY | RTLD_NOLOAD);
	if (!ubsan)
		return;
	/* dlsym on libubsan's handle finds libubsan's definition first */
	*(void **)&set_path = dlsym(ubsan, "__sanitizer_set_report_path");
	if (set_path)
		set_path(path);
	dlclose(ubsan);
}
