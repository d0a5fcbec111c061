/*
 * transcript: print a readable transcript of a LlamaCloud session dump.
 *
 *   transcript FILE
 *
 * Shows the lcsession C API end to end: parse a caller-owned buffer (no copy), read the
 * header (missing / null / present), walk the events with a cursor, stream escaped text
 * out with lcs_jstr_chunks (no buffer), and report parse errors with line:column.
 * Exit status: 0 on success, 1 when the dump is invalid, 2 on usage or I/O errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcsession.h"

/* Reads a whole file into a malloc'd buffer (never NULL on success, even when empty). */
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

static void put_str(lcs_str s) { fwrite(s.data, 1, s.len, stdout); }

/* Writes the decoded text of a JSON string, piece by piece: no buffer needed. */
static void put_jstr(const lcs_jstr *s) {
  lcs_jstr_iter it;
  lcs_str chunk;
  if (lcs_jstr_chunks(s, &it) != LCS_OK) return;
  while (lcs_jstr_chunk_next(&it, &chunk) == LCS_OK) put_str(chunk);
}

static void print_header(const lcs_session *s) {
  lcs_str text;
  lcs_presence p;
  size_t count, i;
  uint64_t n;
  double ms;
  bool flag;
  lcs_shared_access mode;
  lcs_value_iter it;
  lcs_jstr key;
  lcs_value value;

  lcs_session_id(s, &text);
  printf("session ");
  put_str(text);
  lcs_session_last_updated_at(s, &text);
  printf(" (updated ");
  put_str(text);
  printf(")\n");

  lcs_session_generated_title(s, &p, &text);
  printf("title: ");
  if (p == LCS_PRESENCE_PRESENT) put_str(text);
  else printf(p == LCS_PRESENCE_NULL ? "(null)" : "(missing)");
  printf("\n");

  lcs_session_index_ids(s, &p, &count);
  printf("indexes:");
  if (p == LCS_PRESENCE_PRESENT) {
    for (i = 0; i < count; i++) {
      lcs_session_index_id(s, i, &text);
      printf("%s ", i ? "," : "");
      put_str(text);
    }
  } else {
    printf(p == LCS_PRESENCE_NULL ? " (null)" : " (missing)");
  }
  printf("\n");

  lcs_session_shared_access(s, &p, &mode, &text);
  if (p == LCS_PRESENCE_PRESENT) {
    printf("shared access: ");
    put_str(text);
    printf("%s\n", mode == LCS_SHARED_ACCESS_OTHER ? " (unrecognised)" : "");
  }

  lcs_session_job_metadata(s, &p);
  if (p == LCS_PRESENCE_PRESENT) {
    printf("job:");
    if (lcs_session_job_turns(s, &p, &n) == LCS_OK && p == LCS_PRESENCE_PRESENT)
      printf(" %" PRIu64 " turns,", n);
    if (lcs_session_job_total_input_tokens(s, &p, &n) == LCS_OK && p == LCS_PRESENCE_PRESENT)
      printf(" %" PRIu64 " input", n);
    if (lcs_session_job_total_output_tokens(s, &p, &n) == LCS_OK && p == LCS_PRESENCE_PRESENT)
      printf(" + %" PRIu64 " output tokens,", n);
    if (lcs_session_job_duration_ms(s, &p, &ms) == LCS_OK && p == LCS_PRESENCE_PRESENT)
      printf(" %.1f ms,", ms);
    if (lcs_session_job_is_error(s, &p, &flag) == LCS_OK && p == LCS_PRESENCE_PRESENT)
      printf(" %s", flag ? "failed" : "ok");
    if (lcs_session_job_error(s, &p, &text) == LCS_OK && p == LCS_PRESENCE_PRESENT) {
      printf(": ");
      put_str(text);
    }
    lcs_session_job_export_config_ids(s, &p, &count);
    if (p == LCS_PRESENCE_PRESENT) {
      printf("; exports:");
      for (i = 0; i < count; i++) {
        lcs_session_job_export_config_id(s, i, &text);
        printf(" ");
        put_str(text);
      }
    }
    printf("\n");
  }

  /* Fields newer than this library are kept, not dropped. */
  lcs_session_unknown_fields(s, &it);
  while (lcs_value_member_next(&it, &key, &value) == LCS_OK) {
    size_t members = 0;
    printf("unknown field ");
    put_jstr(&key);
    if (lcs_value_count(&value, &members) == LCS_OK)
      printf(" (%s, %zu entries)\n", value.kind == LCS_VALUE_OBJECT ? "object" : "array", members);
    else
      printf(" = %.*s\n", (int)value.len, value.data);
  }
}

/* Unknown and untyped events keep their whole object: list what it holds. */
static void print_fields(const lcs_value *object) {
  lcs_value_iter it;
  lcs_jstr key;
  lcs_value value;
  bool equal = false, first = true;
  printf(" kept as raw JSON with fields");
  lcs_value_members(object, &it);
  while (lcs_value_member_next(&it, &key, &value) == LCS_OK) {
    if (lcs_jstr_equals(&key, "type", 4, &equal) == LCS_OK && equal) continue;
    printf("%s ", first ? ":" : ",");
    put_jstr(&key);
    first = false;
  }
  printf("\n");
}

/* One line per event, text after it; runs of deltas of one type are merged. */
static int print_events(const lcs_session *s) {
  lcs_events *cursor = NULL;
  lcs_event ev, prev;
  size_t count = 0, run = 0;
  lcs_result r;

  lcs_session_event_count(s, &count);
  printf("%zu events\n", count);
  if (lcs_events_new(s, &cursor) != LCS_OK) return 1;
  memset(&prev, 0, sizeof prev);
  while ((r = lcs_events_next(cursor, &ev)) == LCS_OK) {
    int delta = ev.type == LCS_EVENT_THINKING_DELTA || ev.type == LCS_EVENT_TEXT_DELTA;
    if (delta && run > 0 && prev.type == ev.type) {
      put_jstr(&ev.content); /* continue the run */
      run++;
      continue;
    }
    if (run > 0) printf("\n");
    run = 0;
    printf("\n[#%zu %s", ev.index, lcs_event_type_name(ev.type));
    switch (ev.type) {
      case LCS_EVENT_THINKING_DELTA:
      case LCS_EVENT_TEXT_DELTA:
        printf(" ...]\n");
        put_jstr(&ev.content);
        run = 1;
        break;
      case LCS_EVENT_THINKING:
      case LCS_EVENT_TEXT:
      case LCS_EVENT_USER_INPUT:
        printf("]\n");
        put_jstr(&ev.content);
        printf("\n");
        break;
      case LCS_EVENT_TOOL_CALL: {
        size_t n = 0;
        lcs_value_count(&ev.arguments, &n);
        printf("%s] ", ev.inferred ? " (type inferred)" : "");
        put_jstr(&ev.name);
        printf(" (");
        put_jstr(&ev.call_id);
        printf("), %zu arguments\n", n);
        break;
      }
      case LCS_EVENT_TOOL_RESULT:
        printf("] ");
        put_jstr(&ev.name);
        printf(" (");
        put_jstr(&ev.call_id);
        printf("), %zu bytes of JSON", ev.result.len);
        if (ev.image_attachment == LCS_PRESENCE_PRESENT) {
          printf(", image ");
          put_jstr(&ev.attachment_name);
          printf(" from ");
          put_jstr(&ev.source_id);
        }
        printf("\n");
        break;
      case LCS_EVENT_STOP:
        printf("] %s", ev.is_error ? "failed" : "ok");
        if (ev.usage.total_input_tokens.presence == LCS_PRESENCE_PRESENT)
          printf(", %" PRIu64 " input", ev.usage.total_input_tokens.value);
        if (ev.usage.total_output_tokens.presence == LCS_PRESENCE_PRESENT)
          printf(" + %" PRIu64 " output tokens", ev.usage.total_output_tokens.value);
        if (ev.usage.duration_ms.presence == LCS_PRESENCE_PRESENT)
          printf(", %.1f ms", ev.usage.duration_ms.value);
        if (ev.error == LCS_PRESENCE_PRESENT) {
          printf("\nerror: ");
          put_jstr(&ev.error_message);
        }
        if (ev.skipped_index_ids == LCS_PRESENCE_PRESENT) {
          lcs_value_iter it;
          lcs_value id;
          lcs_jstr text;
          printf("\nskipped indexes:");
          lcs_value_items(&ev.skipped_index_ids_value, &it);
          while (lcs_value_item_next(&it, &id) == LCS_OK && lcs_value_as_str(&id, &text) == LCS_OK) {
            printf(" ");
            put_jstr(&text);
          }
        }
        printf("\n");
        break;
      case LCS_EVENT_UNKNOWN:
        printf(" \"");
        put_jstr(&ev.type_name);
        printf("\"]");
        print_fields(&ev.raw);
        break;
      default:
        printf("]");
        print_fields(&ev.raw);
        break;
    }
    prev = ev;
  }
  if (run > 0) printf("\n");
  lcs_events_free(cursor);
  return r == LCS_END ? 0 : 1;
}

int main(int argc, char **argv) {
  unsigned char *buf;
  size_t len = 0;
  lcs_session *session = NULL;
  lcs_parse_error err;
  lcs_result r;
  int status;

  if (argc != 2) {
    fprintf(stderr, "usage: transcript FILE\n");
    return 2;
  }
  buf = read_file(argv[1], &len);
  if (buf == NULL) {
    fprintf(stderr, "error: %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  /* The session borrows buf: keep it alive until lcs_session_free. */
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
  print_header(session);
  status = print_events(session);
  lcs_session_free(session);
  free(buf);
  return status;
}
