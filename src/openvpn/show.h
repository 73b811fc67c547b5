/* Report-and-exit commands (--show-*, --mktun, --rmtun). */
#ifndef SHOW_H
#define SHOW_H

struct options;

/* Run o->show; returns the process exit status (0 or 1). */
int show_run(const struct options *o);

#endif
