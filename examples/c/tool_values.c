/*
 * tool_values: walk every tool call's arguments and every tool result's value, printing
 * one line per leaf with its path, its JSON type and its typed value.
 *
 *   tool_values FILE
 *
 * Shows lcs_value walking: members and items with caller-held iterators, typed scalars
 * (u64, then i64, then f64), strings decoded into a caller buffer with lcs_jstr_unescape,
 * and lcs_value_get for direct lookups. Exit status: 0 on success, 1 when the dump is
 * invalid, 2 on usage or I/O errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcsession.h"

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0, n = 0;
  if (f == NULL) return NULL;
  for (;;) {
    if (n == cap) {
      unsigned char *bigger;
      cap = cap ? cap * 2 : 1 << 16;
      bigger = realloc(buf, cap);
      if (bigger == NULL) { free(buf); fclose(f); errno = ENOMEM; return NULL; }
      buf = bigger;
    }
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
  }
  if (ferror(f)) { int e = errno; free(buf); fclose(f); errno = e ? e : EIO; return NULL; }
  fclose(f);
  *len = n;
  return buf;
}

/* Decodes a JSON string into a new NUL-terminated buffer (free it). */
static char *decode(const lcs_jstr *s, size_t *len) {
  size_t need = 0;
  char *out;
  if (lcs_jstr_decoded_len(s, &need) != LCS_OK) return NULL;
  out = malloc(need + 1);
  if (out == NULL) return NULL;
  if (lcs_jstr_unescape(s, out, need, len) != LCS_OK) {
    free(out);
    return NULL;
  }
  out[*len] = '\0';
  return out;
}

/* A growable path like "arguments.filters.doc_types[1]". */
typedef struct {
  char *text;
  size_t len, cap;
} path_t;

static int path_push(path_t *p, const char *piece, size_t n) {
  if (p->len + n + 1 > p->cap) {
    size_t cap = (p->len + n + 1) * 2;
    char *bigger = realloc(p->text, cap);
    if (bigger == NULL) return 0;
    p->text = bigger;
    p->cap = cap;
  }
  memcpy(p->text + p->len, piece, n);
  p->len += n;
  p->text[p->len] = '\0';
  return 1;
}

/* Writes decoded text on one line: control characters are shown as \n, \t, \uXXXX. */
static void put_visible(const char *text, size_t n) {
  size_t i;
  if (text == NULL) {
    printf("?");
    return;
  }
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == '\n') printf("\\n");
    else if (c == '\t') printf("\\t");
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
}

static void print_leaf(const path_t *path, const lcs_value *v) {
  printf("  %s: ", path->text);
  switch (v->kind) {
    case LCS_VALUE_NULL:
      printf("null\n");
      break;
    case LCS_VALUE_BOOL: {
      bool b = false;
      lcs_value_as_bool(v, &b);
      printf("bool %s\n", b ? "true" : "false");
      break;
    }
    case LCS_VALUE_NUMBER: {
      uint64_t u;
      int64_t i;
      double d;
      lcs_str text;
      lcs_value_number_text(v, &text);
      if (lcs_value_as_u64(v, &u) == LCS_OK)
        printf("number %.*s = u64 %" PRIu64 "\n", (int)text.len, text.data, u);
      else if (lcs_value_as_i64(v, &i) == LCS_OK)
        printf("number %.*s = i64 %" PRId64 "\n", (int)text.len, text.data, i);
      else if (lcs_value_as_f64(v, &d) == LCS_OK)
        printf("number %.*s = f64 %g\n", (int)text.len, text.data, d);
      else
        printf("number %.*s (out of range)\n", (int)text.len, text.data);
      break;
    }
    case LCS_VALUE_STRING: {
      lcs_jstr s;
      size_t n = 0;
      char *text;
      lcs_value_as_str(v, &s);
      text = decode(&s, &n);
      printf("string \"");
      put_visible(text, n);
      printf("\"%s\n", s.escaped ? " (had escapes)" : "");
      free(text);
      break;
    }
    case LCS_VALUE_OBJECT:
      printf("object {}\n");
      break;
    case LCS_VALUE_ARRAY:
      printf("array []\n");
      break;
    default:
      printf("?\n");
  }
}

/* Depth-first walk; containers recurse (the dump's nesting is bounded by the parse). */
static void walk(path_t *path, const lcs_value *v) {
  size_t mark = path->len, count = 0;
  lcs_value_iter it;
  lcs_value child;
  lcs_value_count(v, &count);
  if (count == 0) {
    print_leaf(path, v);
    return;
  }
  if (v->kind == LCS_VALUE_OBJECT) {
    lcs_jstr key;
    lcs_value_members(v, &it);
    while (lcs_value_member_next(&it, &key, &child) == LCS_OK) {
      size_t n = 0;
      char *name = decode(&key, &n);
      if (name != NULL && path_push(path, ".", 1) && path_push(path, name, n)) walk(path, &child);
      free(name);
      path->len = mark;
      path->text[mark] = '\0';
    }
  } else {
    size_t i = 0;
    lcs_value_items(v, &it);
    while (lcs_value_item_next(&it, &child) == LCS_OK) {
      char index[32];
      int n = snprintf(index, sizeof index, "[%zu]", i++);
      if (path_push(path, index, (size_t)n)) walk(path, &child);
      path->len = mark;
      path->text[mark] = '\0';
    }
  }
}

static void walk_root(const char *root, const lcs_value *v) {
  path_t path = {NULL, 0, 0};
  if (path_push(&path, root, strlen(root))) walk(&path, v);
  free(path.text);
}

static void print_str(const lcs_jstr *s) {
  size_t n = 0;
  char *text = decode(s, &n);
  printf("%s", text ? text : "?");
  free(text);
}

int main(int argc, char **argv) {
  unsigned char *buf;
  size_t len = 0;
  lcs_session *session = NULL;
  lcs_events *cursor = NULL;
  lcs_parse_error err;
  lcs_event ev;
  lcs_result r;

  if (argc != 2) {
    fprintf(stderr, "usage: tool_values FILE\n");
    return 2;
  }
  buf = read_file(argv[1], &len);
  if (buf == NULL) {
    fprintf(stderr, "error: %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  r = lcs_session_parse(buf, len, &session, &err);
  if (r != LCS_OK) {
    if (lcs_result_is_syntax_error(r) || lcs_result_is_schema_error(r))
      fprintf(stderr, "error: %s:%zu:%zu: %s (code %u)\n", argv[1], err.line, err.column,
              err.message, (unsigned)r);
    else
      fprintf(stderr, "error: %s: %s (code %u)\n", argv[1], lcs_result_message(r), (unsigned)r);
    free(buf);
    return 1;
  }
  if (lcs_events_new(session, &cursor) != LCS_OK) {
    lcs_session_free(session);
    free(buf);
    return 1;
  }
  while ((r = lcs_events_next(cursor, &ev)) == LCS_OK) {
    lcs_value hits, query;
    if (ev.type == LCS_EVENT_TOOL_CALL) {
      printf("#%zu tool_call ", ev.index);
      print_str(&ev.name);
      printf(" (");
      print_str(&ev.call_id);
      printf(")\n");
      walk_root("arguments", &ev.arguments);
      /* Direct lookup by key. */
      if (lcs_value_get(&ev.arguments, "query", 5, &query) == LCS_OK) {
        lcs_jstr q;
        if (lcs_value_as_str(&query, &q) == LCS_OK) {
          printf("  -> query is ");
          print_str(&q);
          printf("\n");
        }
      }
    } else if (ev.type == LCS_EVENT_TOOL_RESULT) {
      size_t n = 0;
      printf("#%zu tool_result ", ev.index);
      print_str(&ev.name);
      printf(" (");
      print_str(&ev.call_id);
      printf(")\n");
      walk_root("result", &ev.result);
      if (lcs_value_get(&ev.result, "hits", 4, &hits) == LCS_OK && lcs_value_count(&hits, &n) == LCS_OK)
        printf("  -> %zu hits\n", n);
      if (ev.image_attachment == LCS_PRESENCE_PRESENT) {
        printf("  image_attachment: ");
        print_str(&ev.attachment_name);
        printf(" from ");
        print_str(&ev.source_id);
        printf("\n");
      }
    }
  }
  lcs_events_free(cursor);
  lcs_session_free(session);
  free(buf);
  return r == LCS_END ? 0 : 1;
}
