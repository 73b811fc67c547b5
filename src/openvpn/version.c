/* Version banner. Features are listed only once they are built in. */
#include "buildconf.h"
#include "version.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "comp.h"
#include "ssl_openssl.h"

const char *version_title(void)
{
	static char title[256];
	struct utsname u;
	const char *machine = "unknown";

	if (title[0])
		return title;
	if (uname(&u) == 0)
		machine = u.machine;
	/* [DCO], [AEAD], [LZ4] join the list when those features work. */
	snprintf(title, sizeof(title), "%s %s %s-linux-gnu [EPOLL]",
		 PACKAGE_NAME, PACKAGE_VERSION, machine);
	return title;
}

void version_print(FILE *out)
{
	fprintf(out, "%s\n", version_title());
	fprintf(out, "library versions: %s, LZ4 %s\n",
		ssl_library_version(), comp_lz4_version());
#ifdef ENABLE_DCO
	{
		/* the module's own version, as 2.6 shows it; N/A while not loaded */
		char v[64] = "N/A";
		FILE *f = fopen("/sys/module/ovpn_dco_v2/version", "r");

		if (f) {
			if (!fgets(v, sizeof(v), f))
				snprintf(v, sizeof(v), "N/A");
			v[strcspn(v, "\n")] = '\0';
			fclose(f);
		}
		fprintf(out, "DCO: built (ovpn-dco-v2 through libnl-genl-3); DCO version: %s\n", v);
	}
#else
	fprintf(out, "DCO: not built (configure --disable-dco or libnl-genl-3 missing)\n");
#endif
}
