/* mmbench — the environment record: machine, kernel settings, build, git. */
#ifndef MMB_ENV_H
#define MMB_ENV_H

#include <cjson/cJSON.h>

/* A new JSON object with host, build and git facts (see results/README.md). */
cJSON *mmb_env_capture(void);
/* "1.23 0.45 0.10" style load averages into a JSON array. */
cJSON *mmb_env_loadavg(void);
/* Current UTC time as ISO-8601 into buf. */
void mmb_env_utc_now(char *buf, size_t len);

#endif
