/*
 * bench: parse and walk every event of session dumps with lcsession's C API, cJSON and
 * jsmn, in one run, and print a table. Run it through `bash examples/c/bench.sh`, which
 * builds everything (-O2, release liblcsession.a) and generates the dumps.
 *
 *   bench [--runs N] [--no-check] [--iterator] FILE...
 *
 * Each library does the same job on the same bytes, timed from the buffer to the end of the
 * walk (allocation and freeing included): visit every event and every value in it except the
 * "type" tag, counting strings (and their bytes), numbers and other scalars. The counts must
 * agree across libraries (they are printed), so all three did the same walk:
 * - lcsession: lcs_session_parse_visiting (full validation: UTF-8, escapes, numbers, the
 *   session schema; each typed lcs_event handed over as soon as it is validated), walking
 *   tool arguments and results with lcs_value_walk (or the lcs_value_tokens iterator with
 *   --iterator); strings are zero-copy views (not unescaped). Shown too: lcs_session_parse followed by an lcs_events cursor, which decodes
 *   every event a second time.
 * - cJSON: cJSON_ParseWithLength (builds a tree, unescapes every string, converts every
 *   number), then the tree; string bytes are strlen() of the decoded text.
 * - jsmn: jsmn_parse into a token array sized beforehand (untimed), then the tokens
 *   (raw string ranges, like lcsession). jsmn validates little: no UTF-8, escape or number
 *   checks.
 * The best of N runs (default 5) is reported. Exit status 1 when lcsession is not at least
 * 3x faster than cJSON and faster than jsmn on every file (unless --no-check), one pass.
 */
#define _POSIX_C_SOURCE 199309L
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Parent links make jsmn linear: without them, closing each event scans back to the
 * events array, which is quadratic on a long session (minutes on many-deltas). */
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "lcsession.h"

typedef struct {
  size_t events, strings, string_bytes, numbers, others;
} counts;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  buf = malloc((size_t)n + 1);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return NULL;
  }
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* ---------------------------------------------------------------- lcsession */

/* Counts one token of a walked value. */
static void lcs_count_token(const lcs_token *tok, counts *c) {
  switch (tok->kind) {
    case LCS_TOKEN_STRING:
      c->strings++;
      c->string_bytes += tok->value.len - 2;
      break;
    case LCS_TOKEN_NUMBER:
      c->numbers++;
      break;
    case LCS_TOKEN_NULL:
    case LCS_TOKEN_BOOL:
      c->others++;
      break;
    default:
      break;
  }
}

static bool lcs_token_visit(void *user, const lcs_token *tok) {
  lcs_count_token(tok, (counts *)user);
  return true;
}

/* Every value inside v, in one pass over its bytes: lcs_value_walk (one library call per
 * value, a callback per token) by default, or the lcs_value_tokens iterator (a library call
 * per token) when use_iterator is set; both read each byte once. */
static int use_iterator = 0;
static void lcs_walk(const lcs_value *v, counts *c) {
  if (!use_iterator) {
    lcs_value_walk(v, lcs_token_visit, c);
    return;
  }
  lcs_token_iter it;
  lcs_token tok;
  if (lcs_value_tokens(v, &it) != LCS_OK) return;
  while (lcs_token_next(&it, &tok) == LCS_OK) lcs_count_token(&tok, c);
}

static void lcs_string(const lcs_jstr *s, counts *c) {
  c->strings++;
  c->string_bytes += s->len;
}

/* Every member of an unknown or untyped event except "type". */
static void lcs_walk_fields(const lcs_value *object, counts *c) {
  lcs_value_iter it;
  lcs_value child;
  lcs_jstr key;
  bool is_type;
  lcs_value_members(object, &it);
  while (lcs_value_member_next(&it, &key, &child) == LCS_OK) {
    if (lcs_jstr_equals(&key, "type", 4, &is_type) == LCS_OK && is_type) continue;
    lcs_walk(&child, c);
  }
}

static void lcs_opt(lcs_presence p, counts *c) {
  if (p == LCS_PRESENCE_PRESENT) c->numbers++;
  else if (p == LCS_PRESENCE_NULL) c->others++;
}

static void lcs_event_walk(const lcs_event *ev, counts *c) {
  c->events++;
  switch (ev->type) {
    case LCS_EVENT_THINKING_DELTA:
    case LCS_EVENT_TEXT_DELTA:
    case LCS_EVENT_THINKING:
    case LCS_EVENT_TEXT:
    case LCS_EVENT_USER_INPUT:
      lcs_string(&ev->content, c);
      break;
    case LCS_EVENT_TOOL_CALL:
      lcs_string(&ev->call_id, c);
      lcs_string(&ev->name, c);
      lcs_walk(&ev->arguments, c);
      break;
    case LCS_EVENT_TOOL_RESULT:
      lcs_string(&ev->call_id, c);
      lcs_string(&ev->name, c);
      lcs_walk(&ev->result, c);
      if (ev->image_attachment == LCS_PRESENCE_PRESENT) {
        lcs_string(&ev->attachment_name, c);
        lcs_string(&ev->source_id, c);
      } else if (ev->image_attachment == LCS_PRESENCE_NULL) {
        c->others++;
      }
      break;
    case LCS_EVENT_STOP:
      if (ev->error == LCS_PRESENCE_PRESENT) lcs_string(&ev->error_message, c);
      else c->others++;
      c->others++; /* is_error */
      lcs_opt(ev->usage.duration_ms.presence, c);
      lcs_opt(ev->usage.total_input_tokens.presence, c);
      lcs_opt(ev->usage.total_output_tokens.presence, c);
      lcs_opt(ev->usage.turns.presence, c);
      if (ev->skipped_index_ids == LCS_PRESENCE_PRESENT) lcs_walk(&ev->skipped_index_ids_value, c);
      else if (ev->skipped_index_ids == LCS_PRESENCE_NULL) c->others++;
      break;
    default:
      lcs_walk_fields(&ev->raw, c);
  }
}

static void lcs_visit(void *user, const lcs_event *ev) { lcs_event_walk(ev, (counts *)user); }

/* One pass: each event is walked as soon as the parser has validated it. */
static int run_lcsession_visit(const char *buf, size_t len, counts *c) {
  lcs_session *s = NULL;
  lcs_parse_error err;
  if (lcs_session_parse_visiting((const uint8_t *)buf, len, 0, lcs_visit, c, &s, &err) != LCS_OK) {
    fprintf(stderr, "lcsession: %s (line %zu, column %zu)\n", err.message, err.line, err.column);
    return 0;
  }
  lcs_session_free(s);
  return 1;
}

/* Parse, then a cursor over the events (which decodes each event again). */
static int run_lcsession_cursor(const char *buf, size_t len, counts *c) {
  lcs_session *s = NULL;
  lcs_events *cursor = NULL;
  lcs_event ev;
  lcs_parse_error err;
  if (lcs_session_parse((const uint8_t *)buf, len, &s, &err) != LCS_OK) {
    fprintf(stderr, "lcsession: %s (line %zu, column %zu)\n", err.message, err.line, err.column);
    return 0;
  }
  lcs_events_new(s, &cursor);
  while (lcs_events_next(cursor, &ev) == LCS_OK) lcs_event_walk(&ev, c);
  lcs_events_free(cursor);
  lcs_session_free(s);
  return 1;
}

/* ---------------------------------------------------------------- cJSON */

static void cj_walk(const cJSON *v, counts *c) {
  const cJSON *child;
  if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
    for (child = v->child; child != NULL; child = child->next) cj_walk(child, c);
  } else if (cJSON_IsString(v)) {
    c->strings++;
    c->string_bytes += strlen(v->valuestring);
  } else if (cJSON_IsNumber(v)) {
    c->numbers++;
  } else {
    c->others++;
  }
}

static int run_cjson(const char *buf, size_t len, counts *c) {
  cJSON *root = cJSON_ParseWithLength(buf, len);
  const cJSON *events, *ev, *member;
  if (root == NULL) {
    fprintf(stderr, "cJSON: parse error\n");
    return 0;
  }
  events = cJSON_GetObjectItemCaseSensitive(root, "events");
  for (ev = events ? events->child : NULL; ev != NULL; ev = ev->next) {
    c->events++;
    for (member = ev->child; member != NULL; member = member->next) {
      if (strcmp(member->string, "type") == 0) continue;
      cj_walk(member, c);
    }
  }
  cJSON_Delete(root);
  return 1;
}

/* ---------------------------------------------------------------- jsmn */

/* Index of the token after the subtree at i. */
static int jt_skip(const jsmntok_t *t, int i, int count) {
  int end = t[i].end, j = i + 1;
  while (j < count && t[j].start < end) j++;
  return j;
}

static int jt_walk(const char *js, const jsmntok_t *t, int i, counts *c) {
  int j, k;
  switch (t[i].type) {
    case JSMN_OBJECT:
      for (j = i + 1, k = 0; k < t[i].size; k++) j = jt_walk(js, t, j + 1, c);
      return j;
    case JSMN_ARRAY:
      for (j = i + 1, k = 0; k < t[i].size; k++) j = jt_walk(js, t, j, c);
      return j;
    case JSMN_STRING:
      c->strings++;
      c->string_bytes += (size_t)(t[i].end - t[i].start);
      return i + 1;
    default: {
      char first = js[t[i].start];
      if (first == '-' || (first >= '0' && first <= '9')) c->numbers++;
      else c->others++;
      return i + 1;
    }
  }
}

static int key_is(const char *js, const jsmntok_t *key, const char *name) {
  size_t n = strlen(name);
  return key->type == JSMN_STRING && (size_t)(key->end - key->start) == n &&
         memcmp(js + key->start, name, n) == 0;
}

static int run_jsmn(const char *buf, size_t len, jsmntok_t *tokens, int capacity, counts *c) {
  jsmn_parser p;
  int count, i, j, e, k, m;
  jsmn_init(&p);
  count = jsmn_parse(&p, buf, len, tokens, (unsigned)capacity);
  if (count < 1 || tokens[0].type != JSMN_OBJECT) {
    fprintf(stderr, "jsmn: parse error %d\n", count);
    return 0;
  }
  for (i = 1, k = 0; k < tokens[0].size; k++) {
    if (!key_is(buf, &tokens[i], "events")) {
      i = jt_skip(tokens, i + 1, count);
      continue;
    }
    /* tokens[i + 1] is the events array; each item an event object. */
    j = i + 2;
    for (e = 0; e < tokens[i + 1].size; e++) {
      int obj = j;
      c->events++;
      j = obj + 1;
      for (m = 0; m < tokens[obj].size; m++) {
        if (key_is(buf, &tokens[j], "type")) j += 2;
        else j = jt_walk(buf, tokens, j + 1, c);
      }
    }
    i = j;
  }
  return 1;
}

/* ---------------------------------------------------------------- harness */

enum { LIB_LCSESSION, LIB_LCS_CURSOR, LIB_CJSON, LIB_JSMN, LIBS };
static const char *const lib_names[LIBS] = {"lcsession", "lcsession (cursor)", "cJSON", "jsmn"};

int main(int argc, char **argv) {
  int runs = 5, check = 1, status = 0, a, files = 0;
  printf("%-18s %9s | %-20s | %-20s | %-20s | %-20s | %8s %8s\n", "file", "size",
         "lcsession one pass", "lcsession cursor", "cJSON 1.7", "jsmn 1.1", "cJSON/lcs", "jsmn/lcs");
  for (a = 1; a < argc; a++) {
    const char *path = argv[a], *base;
    char *buf;
    size_t len = 0;
    double best[LIBS];
    counts c[LIBS];
    jsmntok_t *tokens;
    jsmn_parser p;
    int capacity, lib, r;

    if (strcmp(path, "--runs") == 0 && a + 1 < argc) {
      runs = atoi(argv[++a]);
      if (runs < 1) runs = 1;
      continue;
    }
    if (strcmp(path, "--no-check") == 0) {
      check = 0;
      continue;
    }
    if (strcmp(path, "--iterator") == 0) {
      use_iterator = 1;
      continue;
    }
    buf = read_file(path, &len);
    if (buf == NULL) {
      fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
      return 2;
    }
    files++;
    /* jsmn needs its token array up front: count the tokens once, untimed. */
    jsmn_init(&p);
    capacity = jsmn_parse(&p, buf, len, NULL, 0);
    if (capacity < 1) {
      fprintf(stderr, "bench: jsmn cannot tokenize %s (%d)\n", path, capacity);
      return 2;
    }
    tokens = malloc(sizeof *tokens * (size_t)capacity);
    if (tokens == NULL) return 2;

    for (lib = 0; lib < LIBS; lib++) best[lib] = 1e300;
    for (r = 0; r < runs; r++) {
      for (lib = 0; lib < LIBS; lib++) {
        double t0, t;
        int ok;
        memset(&c[lib], 0, sizeof c[lib]);
        t0 = now_ms();
        ok = lib == LIB_LCSESSION    ? run_lcsession_visit(buf, len, &c[lib])
             : lib == LIB_LCS_CURSOR ? run_lcsession_cursor(buf, len, &c[lib])
             : lib == LIB_CJSON      ? run_cjson(buf, len, &c[lib])
                                     : run_jsmn(buf, len, tokens, capacity, &c[lib]);
        t = now_ms() - t0;
        if (!ok) return 2;
        if (t < best[lib]) best[lib] = t;
      }
    }
    for (lib = 1; lib < LIBS; lib++) {
      if (c[lib].events != c[0].events || c[lib].strings != c[0].strings ||
          c[lib].numbers != c[0].numbers || c[lib].others != c[0].others) {
        fprintf(stderr,
                "bench: %s walked differently from lcsession: %zu events, %zu strings, "
                "%zu numbers, %zu others vs %zu, %zu, %zu, %zu\n",
                lib_names[lib], c[lib].events, c[lib].strings, c[lib].numbers, c[lib].others,
                c[0].events, c[0].strings, c[0].numbers, c[0].others);
        return 2;
      }
    }
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    printf("%-18s %6.1f MB |", base, len / 1e6);
    for (lib = 0; lib < LIBS; lib++)
      printf(" %7.1f ms %6.0f MB/s |", best[lib], len / 1e3 / best[lib]);
    printf(" %7.2fx %7.2fx\n", best[LIB_CJSON] / best[LIB_LCSESSION],
           best[LIB_JSMN] / best[LIB_LCSESSION]);
    printf("%-18s %9s   walked %zu events: %zu strings (%zu raw bytes), %zu numbers, %zu others\n",
           "", "", c[0].events, c[0].strings, c[0].string_bytes, c[0].numbers, c[0].others);
    if (check && (best[LIB_CJSON] < 3 * best[LIB_LCSESSION] || best[LIB_JSMN] <= best[LIB_LCSESSION])) {
      fprintf(stderr, "bench: %s: lcsession must be >= 3x faster than cJSON and faster than jsmn\n",
              base);
      status = 1;
    }
    free(tokens);
    free(buf);
  }
  if (files == 0) {
    fprintf(stderr, "usage: bench [--runs N] [--no-check] [--iterator] FILE...\n");
    return 2;
  }
  printf("best of %d runs each; parse + walk every event, in one process\n", runs);
  return status;
}
