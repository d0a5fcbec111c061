/*
 * fetch: retrieve a LlamaCloud chat session over HTTP and print a short summary.
 *
 *   fetch BASE_URL SESSION_ID [OUT_FILE]
 *
 * Shows the lcsession HTTP client from C: configure an lcs_client, lcs_client_retrieve a
 * session (retries, timeouts and error classes as in the official SDKs), decode the body in
 * place with lcs_session_parse (the session borrows the body's bytes), save the raw dump,
 * and report failures with the HTTP status, the x-request-id and the one-line message.
 *
 * The API key comes from LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY), read by the client
 * when it is first used; to set it explicitly instead, see set_key_explicitly() below.
 * Exit status: 0 on success, 1 when the request or the session fails, 2 on usage errors.
 */
#include <stdio.h>
#include <string.h>

#include "lcsession.h"

static void put_str(FILE *out, lcs_str s) { fwrite(s.data, 1, s.len, out); }

/* Prints the details of a client error to stderr. */
static void report(const lcs_client_error *err) {
  lcs_client_error_info info;
  if (lcs_client_error_details(err, &info) != LCS_OK) return;
  fprintf(stderr, "error: ");
  put_str(stderr, info.message);
  fprintf(stderr, "\n  code: %u (%s)\n", (unsigned)info.code, lcs_result_message(info.code));
  if (info.status != 0) fprintf(stderr, "  status: %u\n", (unsigned)info.status);
  if (info.has_request_id) {
    fprintf(stderr, "  request id: ");
    put_str(stderr, info.request_id);
    fprintf(stderr, "\n");
  }
  fprintf(stderr, "  attempts: %u\n", (unsigned)info.attempts);
  if (info.has_body && info.body.len > 0) {
    fprintf(stderr, "  body: ");
    put_str(stderr, info.body);
    fprintf(stderr, "%s\n", info.body_truncated ? " [...]" : "");
  }
}

/* Writes the first line of a JSON string's decoded text, piece by piece. */
static void put_first_line(const lcs_jstr *s) {
  lcs_jstr_iter it;
  lcs_str chunk;
  if (lcs_jstr_chunks(s, &it) != LCS_OK) return;
  while (lcs_jstr_chunk_next(&it, &chunk) == LCS_OK) {
    const char *nl = memchr(chunk.data, '\n', chunk.len);
    if (nl != NULL) {
      fwrite(chunk.data, 1, (size_t)(nl - chunk.data), stdout);
      return;
    }
    put_str(stdout, chunk);
  }
}

/* Prints the session id, the number of events and the first line of the first answer. */
static void summarize(const lcs_session *s) {
  lcs_str id;
  size_t count = 0;
  lcs_events *cursor = NULL;
  lcs_event ev;
  lcs_session_id(s, &id);
  lcs_session_event_count(s, &count);
  printf("session ");
  put_str(stdout, id);
  printf("\nevents: %zu\n", count);
  if (lcs_events_new(s, &cursor) != LCS_OK) return;
  while (lcs_events_next(cursor, &ev) == LCS_OK) {
    if (ev.type == LCS_EVENT_TEXT) {
      printf("first text: ");
      put_first_line(&ev.content);
      printf("\n");
      break;
    }
  }
  lcs_events_free(cursor);
}

/* The alternative to the environment: set the key (and ignore every LLAMA_CLOUD_* variable). */
static void set_key_explicitly(lcs_client *client, const char *key) {
  lcs_client_set_use_environment(client, false);
  lcs_client_set_api_key(client, key, strlen(key));
}

int main(int argc, char **argv) {
  const char *base_url, *session_id, *out_file;
  lcs_client *client = NULL;
  lcs_body *body = NULL;
  lcs_client_error *err = NULL;
  lcs_session *session = NULL;
  lcs_parse_error parse_err;
  const uint8_t *bytes;
  size_t len;
  uint32_t r;
  int status = 1;

  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: fetch BASE_URL SESSION_ID [OUT_FILE]\n");
    return 2;
  }
  base_url = argv[1];
  session_id = argv[2];
  out_file = argc == 4 ? argv[3] : NULL;
  if (lcs_client_new(&client) != LCS_OK) return 2;
  (void)set_key_explicitly; /* e.g. set_key_explicitly(client, "llx-..."); */
  if (lcs_client_set_base_url(client, base_url, strlen(base_url)) != LCS_OK) {
    fprintf(stderr, "error: the base URL is not UTF-8\n");
    lcs_client_free(client);
    return 2;
  }

  /* No organization_id or project_id: NULL omits them. */
  r = lcs_client_retrieve(client, session_id, strlen(session_id), NULL, 0, NULL, 0, &body, &err);
  if (r != LCS_OK) {
    if (err != NULL) report(err);
    else fprintf(stderr, "error: %s (code %u)\n", lcs_result_message(r), (unsigned)r);
    goto done;
  }

  /* The session borrows the body's bytes: free it before the body. */
  lcs_body_bytes(body, &bytes, &len);
  r = lcs_session_parse(bytes, len, &session, &parse_err);
  if (r != LCS_OK) {
    lcs_str url;
    lcs_body_url(body, &url);
    fprintf(stderr, "error: ");
    put_str(stderr, url);
    fprintf(stderr, ":%zu:%zu: %s (code %u)\n", parse_err.line, parse_err.column,
            parse_err.message, (unsigned)r);
    goto done;
  }
  summarize(session);

  if (out_file != NULL) {
    r = lcs_body_save(body, out_file, strlen(out_file), &err);
    if (r != LCS_OK) {
      if (err != NULL) report(err);
      else fprintf(stderr, "error: %s\n", lcs_result_message(r));
      goto done;
    }
    printf("saved %zu bytes to %s\n", len, out_file);
  }
  status = 0;

done:
  lcs_session_free(session);
  lcs_body_free(body);
  lcs_client_error_free(err);
  lcs_client_free(client);
  return status;
}
