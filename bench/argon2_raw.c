/* Raw Argon2id verifications per second with the server's library and parameters
 * (libargon2, m=19456 KiB, t=2, p=1), one thread per core, each on a core of its own as the
 * server's hashes are (infra/crypto/argon2_hasher.hpp): the ceiling for logins/s.
 * Built and run by bench/login.sh: argon2_raw SECONDS THREADS; prints "<verifications/s> <count>". */
#define _GNU_SOURCE
#include <argon2.h>
#include <sched.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char encoded[256];
static double seconds;
static const char password[] = "Ancien-Mot2passe!";

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long counts[64];
static int pinned_to[64];  /* a core per thread while there are enough, else -1: unpinned */

static void* worker(void* arg) {
    long* count = arg;
    const int cpu = pinned_to[count - counts];
    if (cpu >= 0) {
        cpu_set_t only;
        CPU_ZERO(&only);
        CPU_SET(cpu, &only);
        pthread_setaffinity_np(pthread_self(), sizeof only, &only);
    }
    const double end = now() + seconds;
    while (now() < end) {
        if (argon2id_verify(encoded, password, strlen(password)) != ARGON2_OK) abort();
        ++*count;
    }
    return NULL;
}

int main(int argc, char** argv) {
    seconds = argc > 1 ? atof(argv[1]) : 10.0;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    if (threads < 1 || threads > 64) threads = threads < 1 ? 1 : 64;
    const unsigned char salt[16] = "saltsaltsaltsalt";
    if (argon2id_hash_encoded(2, 19456, 1, password, strlen(password), salt, sizeof salt, 32, encoded, sizeof encoded) != ARGON2_OK)
        return 1;
    pthread_t ids[64];
    const double start = now();
    cpu_set_t usable;
    CPU_ZERO(&usable);
    sched_getaffinity(0, sizeof usable, &usable);
    for (int i = 0, cpu = 0; i < threads; ++i) {
        while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &usable)) ++cpu;
        pinned_to[i] = cpu < CPU_SETSIZE ? cpu++ : -1;
    }
    for (int i = 0; i < threads; ++i) pthread_create(&ids[i], NULL, worker, &counts[i]);
    long total = 0;
    for (int i = 0; i < threads; ++i) {
        pthread_join(ids[i], NULL);
        total += counts[i];
    }
    printf("%.1f %ld\n", (double)total / (now() - start), total);
    return 0;
}
