/*
 * The baseline of the listener benchmark: a supervisord event listener in C that does nothing but speak the
 * protocol in lock-step (READY, read a header and its payload, RESULT 2\nOK). It notes the time of the first and of
 * the N-th event and reports them on stderr, so its events per second can be compared with ours.
 * The benchmark's payloads are ASCII, so len in code points equals len in bytes here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    long expected = argc > 1 ? atol(argv[1]) : 0;
    char header[4096];
    long events = 0;
    double first = 0;
    for (;;) {
        fputs("READY\n", stdout);
        fflush(stdout);
        if (!fgets(header, sizeof header, stdin)) {
            return 0;
        }
        char *len_token = strstr(header, "len:");
        long len = len_token ? atol(len_token + 4) : 0;
        for (long i = 0; i < len; i++) {
            if (getchar() == EOF) {
                return 0;
            }
        }
        fputs("RESULT 2\nOK", stdout);
        fflush(stdout);
        events++;
        if (events == 1) {
            first = now_ms();
        }
        if (events == expected) {
            fprintf(stderr, "events=%ld first=%.3f last=%.3f\n", events, first, now_ms());
            fflush(stderr);
        }
    }
}
