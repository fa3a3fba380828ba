// CCurlLoader — HTTP(S) through libcurl, loaded with dlopen on the first request.
//
// Linking libcurl (or FoundationNetworking, which links it) makes every process load ~40 shared
// libraries at start-up (TLS, Kerberos, LDAP, …) even when it never touches the network: that was
// most of `sfs -c "1"`'s start-up. Only the few entry points below are used, declared here with
// libcurl's stable ABI values, so no curl headers are needed to build.
#ifndef CCURLLOADER_H
#define CCURLLOADER_H

#include <stddef.h>

/// Receives response bytes (body or one header line): `size * count` bytes, libcurl's callback
/// signature; returns how many it consumed (fewer aborts the transfer).
typedef size_t (*sf_http_sink)(const char *bytes, size_t size, size_t count, void *context);

/// One HTTP request. `headers` are "Name: value" lines. `follow_redirects` follows every redirect
/// (libcurl drops a custom Authorization header when the host changes). `method` is "GET" or "HEAD".
/// Returns 0, or a libcurl error code (the message in `error`; -1: libcurl could not be loaded).
/// `status` is the last response's code (0 when none came); `effective_url` the URL that produced it.
int sf_http_perform(const char *url, const char *method, const char *const *headers, int header_count,
                    int follow_redirects, long timeout_seconds,
                    sf_http_sink on_header, sf_http_sink on_body, void *context,
                    long *status, char *effective_url, size_t effective_url_capacity,
                    char *error, size_t error_capacity);

#endif
