/* Raw Argon2id verifications per second with the server's library and parameters
 * (libargon2, m=19456 KiB, t=2, p=1), one thread per core: the ceiling for logins/s.
 * Built and run by bench/login.sh: argon2_raw SECONDS THREADS; prints "<verifications/s> <count>". */
#include <argon2.h>
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

static void* worker(void* arg) {
    long* count = arg;
    const double end = now() + seconds;
    while (now() < end) {
        if (argon2id_verify(encoded, password, strlen(password)) != ARGON2_OK) abort();
        ++*count;
    }
    return NULL;
}

int main(int argc, char** argv) {
    seconds = argc > 1 ? atof(argv[1]) : 10.0;
    const int threads = argc > 2 ? atoi(argv[2]) : 2;
    const unsigned char salt[16] = "saltsaltsaltsalt";
    if (argon2id_hash_encoded(2, 19456, 1, password, strlen(password), salt, sizeof salt, 32, encoded, sizeof encoded) != ARGON2_OK)
        return 1;
    pthread_t ids[64];
    long counts[64] = {0};
    const double start = now();
    for (int i = 0; i < threads; ++i) pthread_create(&ids[i], NULL, worker, &counts[i]);
    long total = 0;
    for (int i = 0; i < threads; ++i) {
        pthread_join(ids[i], NULL);
        total += counts[i];
    }
    printf("%.1f %ld\n", (double)total / (now() - start), total);
    return 0;
}
