/* mmbench — parameter parsing, range checks and canonical text. */
#include "params.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mmb_parse_int(const char *text, long long *out) {
  if (!text || !*text) return -EINVAL;
  errno = 0;
  char *end;
  long long v = strtoll(text, &end, 10);
  if (end == text) return -EINVAL;
  if (errno == ERANGE) return -ERANGE;
  long long mul = 1;
  if (*end) {
    switch (*end) {
    case 'k':
    case 'K': mul = 1024LL; break;
    case 'm':
    case 'M': mul = 1024LL * 1024; break;
    case 'g':
    case 'G': mul = 1024LL * 1024 * 1024; break;
    default: return -EINVAL;
    }
    end++;
    if (*end == 'i' || *end == 'I') end++; /* KiB spelled Ki */
    if (*end == 'b' || *end == 'B') end++;
    if (*end) return -EINVAL;
  }
  if (v > LLONG_MAX / mul || v < LLONG_MIN / mul) return -ERANGE;
  *out = v * mul;
  return 0;
}

static void join_choices(const mmb_param *p, char *buf, size_t len) {
  buf[0] = 0;
  for (int i = 0; p->choices && p->choices[i]; i++) {
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", i ? "|" : "", p->choices[i]);
  }
}

int mmb_param_value(const mmb_workload *w, const mmb_param *p, const char *text, long long *v,
                    char *err, size_t errlen) {
  if (p->type == MMB_P_STR) {
    *v = 0;
    return 0;
  }
  if (p->type == MMB_P_ENUM) {
    for (int i = 0; p->choices && p->choices[i]; i++) {
      if (strcmp(p->choices[i], text) == 0) {
        *v = i;
        return 0;
      }
    }
    char list[512];
    join_choices(p, list, sizeof list);
    snprintf(err, errlen, "workload '%s': parameter '%s' must be one of %s, not '%s'", w->name,
             p->name, list, text);
    return -1;
  }
  long long x;
  int rc = mmb_parse_int(text, &x);
  if (rc != 0) {
    snprintf(err, errlen,
             "workload '%s': parameter '%s' needs a whole number (e.g. %lld, 64K, 2M), not '%s'",
             w->name, p->name, p->def, text);
    return -1;
  }
  if (x < p->min || x > p->max) {
    snprintf(err, errlen, "workload '%s': parameter '%s' must be in %lld..%lld, not %s", w->name,
             p->name, p->min, p->max, text);
    return -1;
  }
  *v = x;
  return 0;
}

void mmb_pvals_defaults(const mmb_workload *w, mmb_pvals *pv) {
  memset(pv, 0, sizeof *pv);
  for (int i = 0; w->params && w->params[i].name; i++) {
    const mmb_param *p = &w->params[i];
    pv->v[i] = p->def;
    if (p->type == MMB_P_STR) pv->s[i] = strdup(p->def_str ? p->def_str : "");
  }
}

void mmb_pvals_free(const mmb_workload *w, mmb_pvals *pv) {
  for (int i = 0; w->params && w->params[i].name; i++) {
    free(pv->s[i]);
    pv->s[i] = NULL;
  }
}

void mmb_pvals_copy(const mmb_workload *w, mmb_pvals *dst, const mmb_pvals *src) {
  *dst = *src;
  for (int i = 0; w->params && w->params[i].name; i++)
    if (src->s[i]) dst->s[i] = strdup(src->s[i]);
}

void mmb_params_format(const mmb_workload *w, const mmb_pvals *pv, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = 0;
  for (int i = 0; w->params && w->params[i].name && used < len; i++) {
    const mmb_param *p = &w->params[i];
    const char *sep = i ? ";" : "";
    int n;
    if (p->type == MMB_P_ENUM)
      n = snprintf(buf + used, len - used, "%s%s=%s", sep, p->name, p->choices[pv->v[i]]);
    else if (p->type == MMB_P_STR)
      n = snprintf(buf + used, len - used, "%s%s=%s", sep, p->name, pv->s[i] ? pv->s[i] : "");
    else
      n = snprintf(buf + used, len - used, "%s%s=%lld", sep, p->name, pv->v[i]);
    if (n < 0) break;
    used += (size_t)n;
  }
}

int mmb_params_parse(const mmb_workload *w, const char *text, mmb_pvals *pv, char *err,
                     size_t errlen) {
  char *copy = strdup(text ? text : ""), *save = NULL;
  int rc = 0;
  for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
    char *eq = strchr(item, '=');
    if (!eq) {
      snprintf(err, errlen, "parameter '%s' needs the form name=value", item);
      rc = -1;
      break;
    }
    *eq = 0;
    int idx = mmb_workload_param_index(w, item);
    if (idx < 0) {
      snprintf(err, errlen, "workload '%s' has no parameter '%s' (see: mmbench list %s)", w->name,
               item, w->name);
      rc = -1;
      break;
    }
    const mmb_param *p = &w->params[idx];
    if (p->type == MMB_P_STR) {
      free(pv->s[idx]);
      pv->s[idx] = strdup(eq + 1);
    } else if (mmb_param_value(w, p, eq + 1, &pv->v[idx], err, errlen) != 0) {
      rc = -1;
      break;
    }
  }
  free(copy);
  return rc;
}

void mmb_pvals_scale(const mmb_workload *w, mmb_pvals *pv, double scale) {
  for (int i = 0; w->params && w->params[i].name; i++) {
    const mmb_param *p = &w->params[i];
    if (p->type != MMB_P_INT || !(p->flags & MMB_PF_WORK)) continue;
    double x = (double)pv->v[i] * scale;
    long long v = x < 1 ? 1 : (long long)x;
    if (v < p->min) v = p->min;
    if (v > p->max) v = p->max;
    pv->v[i] = v;
  }
}
