/* Minimal Cortex-M start for QEMU's MPS2 boards: vectors, .data/.bss, main,
   then output and exit through semihosting (no C library I/O). */
#include <stdint.h>
extern uint32_t __stack_top, __etext, __data_start__, __data_end__, __bss_start__, __bss_end__;
int main(void);

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void put_text(const char *text) { semihost(0x04, text); }

void put_hex(uint32_t value)
{
    char text[10];
    int i;
    for (i = 7; i >= 0; i--) { text[i] = "0123456789abcdef"[value & 15u]; value >>= 4; }
    text[8] = ' '; text[9] = 0;
    put_text(text);
}

void put_int(int32_t value)
{
    char text[14];
    int i = 12;
    uint32_t magnitude = value < 0 ? (uint32_t)(-(value + 1)) + 1u : (uint32_t)value;
    text[13] = 0; text[12] = ' ';
    do { text[--i] = (char)('0' + magnitude % 10u); magnitude /= 10u; } while (magnitude);
    if (value < 0) text[--i] = '-';
    put_text(text + i);
}

static void stop(int status)
{
    uint32_t block[2] = {0x20026u, (uint32_t)status};  /* ADP_Stopped_ApplicationExit */
    semihost(0x20, block);                               /* SYS_EXIT_EXTENDED */
    semihost(0x18, (const void *)0x20026);               /* SYS_EXIT, if the above is absent */
    for (;;) {}
}

void reset(void)
{
    uint32_t *from = &__etext, *to = &__data_start__;
    while (to < &__data_end__) *to++ = *from++;
    for (to = &__bss_start__; to < &__bss_end__; to++) *to = 0;
#if defined(__ARM_FP)
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;      /* CPACR: enable the FPU */
    __asm__ volatile("dsb\n isb");
#endif
    stop(main());
}

static void fault(void) { put_text("FAULT\n"); stop(99); }

__attribute__((section(".vectors"), used))
const void *const vectors[16] = {
    &__stack_top, (const void *)reset, (const void *)fault, (const void *)fault,
    (const void *)fault, (const void *)fault, (const void *)fault, 0, 0, 0, 0,
    (const void *)fault, (const void *)fault, 0, (const void *)fault, (const void *)fault};
