// See include/CCurlLoader.h: libcurl's easy interface, resolved with dlopen/dlsym on first use.
#include "CCurlLoader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// MARK: - libcurl ABI (values from curl.h; stable across libcurl 7.x and 8.x)

enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_ERRORBUFFER = 10010, OPT_WRITEFUNCTION = 20011,
    OPT_LOW_SPEED_LIMIT = 19, OPT_LOW_SPEED_TIME = 20, OPT_HTTPHEADER = 10023, OPT_HEADERDATA = 10029,
    OPT_NOBODY = 44, OPT_FOLLOWLOCATION = 52, OPT_MAXREDIRS = 68, OPT_CONNECTTIMEOUT = 78,
    OPT_HEADERFUNCTION = 20079, OPT_NOSIGNAL = 99,
    INFO_EFFECTIVE_URL = 0x100000 + 1, INFO_RESPONSE_CODE = 0x200000 + 2,
    GLOBAL_ALL = 3, ERROR_SIZE = 256,
};

struct slist;
typedef int (*global_init_fn)(long);
typedef void *(*easy_init_fn)(void);
typedef int (*easy_setopt_fn)(void *, int, ...);
typedef int (*easy_perform_fn)(void *);
typedef int (*easy_getinfo_fn)(void *, int, ...);
typedef void (*easy_cleanup_fn)(void *);
typedef struct slist *(*slist_append_fn)(struct slist *, const char *);
typedef void (*slist_free_all_fn)(struct slist *);
typedef const char *(*easy_strerror_fn)(int);

static struct {
    int loaded;
    char failure[256];
    easy_init_fn easy_init;
    easy_setopt_fn easy_setopt;
    easy_perform_fn easy_perform;
    easy_getinfo_fn easy_getinfo;
    easy_cleanup_fn easy_cleanup;
    slist_append_fn slist_append;
    slist_free_all_fn slist_free_all;
    easy_strerror_fn easy_strerror;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    const char *names[] = {"libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4", "libcurl.4.dylib", "libcurl.dylib"};
    void *library = NULL;
    for (size_t k = 0; k < sizeof names / sizeof names[0] && !library; k++) library = dlopen(names[k], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(curl.failure, sizeof curl.failure, "libcurl is not installed (%s)", dlerror());
        return;
    }
    global_init_fn global_init = (global_init_fn)dlsym(library, "curl_global_init");
    curl.easy_init = (easy_init_fn)dlsym(library, "curl_easy_init");
    curl.easy_setopt = (easy_setopt_fn)dlsym(library, "curl_easy_setopt");
    curl.easy_perform = (easy_perform_fn)dlsym(library, "curl_easy_perform");
    curl.easy_getinfo = (easy_getinfo_fn)dlsym(library, "curl_easy_getinfo");
    curl.easy_cleanup = (easy_cleanup_fn)dlsym(library, "curl_easy_cleanup");
    curl.slist_append = (slist_append_fn)dlsym(library, "curl_slist_append");
    curl.slist_free_all = (slist_free_all_fn)dlsym(library, "curl_slist_free_all");
    curl.easy_strerror = (easy_strerror_fn)dlsym(library, "curl_easy_strerror");
    if (!global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo ||
        !curl.easy_cleanup || !curl.slist_append || !curl.slist_free_all || !curl.easy_strerror) {
        snprintf(curl.failure, sizeof curl.failure, "libcurl lacks an entry point this program needs");
        return;
    }
    if (global_init(GLOBAL_ALL) != 0) {
        snprintf(curl.failure, sizeof curl.failure, "libcurl failed to initialize");
        return;
    }
    curl.loaded = 1;
}

static void copy_text(char *to, size_t capacity, const char *from) {
    if (!to || capacity == 0) return;
    snprintf(to, capacity, "%s", from ? from : "");
}

// MARK: - Request

int sf_http_perform(const char *url, const char *method, const char *const *headers, int header_count,
                    int follow_redirects, long timeout_seconds,
                    sf_http_sink on_header, sf_http_sink on_body, void *context,
                    long *status, char *effective_url, size_t effective_url_capacity,
                    char *error, size_t error_capacity) {
    *status = 0;
    copy_text(effective_url, effective_url_capacity, url);
    pthread_once(&load_once, load);
    if (!curl.loaded) {
        copy_text(error, error_capacity, curl.failure);
        return -1;
    }
    void *handle = curl.easy_init();
    if (!handle) {
        copy_text(error, error_capacity, "libcurl could not create a request");
        return -1;
    }
    char message[ERROR_SIZE] = {0};
    struct slist *list = NULL;
    for (int k = 0; k < header_count; k++) list = curl.slist_append(list, headers[k]);
    curl.easy_setopt(handle, OPT_URL, url);
    curl.easy_setopt(handle, OPT_ERRORBUFFER, message);
    curl.easy_setopt(handle, OPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, OPT_HTTPHEADER, list);
    if (strcmp(method, "HEAD") == 0) curl.easy_setopt(handle, OPT_NOBODY, 1L);
    curl.easy_setopt(handle, OPT_FOLLOWLOCATION, follow_redirects ? 1L : 0L);
    curl.easy_setopt(handle, OPT_MAXREDIRS, 20L);
    // A request fails after `timeout_seconds` without progress (URLSession's request timeout), not
    // after a fixed total: a multi-gigabyte download may take much longer.
    curl.easy_setopt(handle, OPT_CONNECTTIMEOUT, timeout_seconds);
    curl.easy_setopt(handle, OPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(handle, OPT_LOW_SPEED_TIME, timeout_seconds);
    curl.easy_setopt(handle, OPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(handle, OPT_HEADERDATA, context);
    curl.easy_setopt(handle, OPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(handle, OPT_WRITEDATA, context);
    int code = curl.easy_perform(handle);
    long response = 0;
    if (curl.easy_getinfo(handle, INFO_RESPONSE_CODE, &response) == 0) *status = response;
    char *final_url = NULL;
    if (curl.easy_getinfo(handle, INFO_EFFECTIVE_URL, &final_url) == 0 && final_url) {
        copy_text(effective_url, effective_url_capacity, final_url);
    }
    if (code != 0) copy_text(error, error_capacity, message[0] ? message : curl.easy_strerror(code));
    curl.slist_free_all(list);
    curl.easy_cleanup(handle);
    return code;
}
