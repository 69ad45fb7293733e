/* Startup code shared by the emulated boards (Cortex-M0, M4F, M33).
 *
 * Reset_Handler: enables the FPU (when the image is built for one), copies .data from
 * flash, zeroes .bss, runs the static constructors (.preinit_array, .init_array), calls
 * main() and ends the program with main's return value as the exit status, over Arm
 * semihosting (SYS_EXIT_EXTENDED, so QEMU exits with that status).
 *
 * EDGELOOP_BOARD_STDIO=1 (test images, which print with newlib's printf): the semihosting
 * stdio handles are opened first (initialise_monitor_handles) and the program ends
 * through newlib's exit(), which flushes stdout, then _exit() below.
 * EDGELOOP_BOARD_STDIO=0 (firmware, benchmarks): no stdio; main's status goes straight
 * to semihosting.
 *
 * Test images (STDIO) also measure their RAM: the free RAM between the heap and the stack
 * is painted at reset; at exit one line reports static RAM, heap, the stack's peak and the
 * RAM never touched, and an image whose stack came within 256 bytes of the heap (or of
 * static data) fails with status 5: the pattern check is a heuristic (a function may
 * skip over stack words), hence the margin.
 *
 * Faults and abort() print one line (SYS_WRITE0) and exit with a non-zero status, so a
 * crashing image fails its test instead of hanging until the timeout.
 *
 * Symbols from the linker scripts (sections.ld): __stack_top__, __data_load__,
 * __data_start__, __data_end__, __bss_start__, __bss_end__ and the init arrays. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef EDGELOOP_BOARD_STDIO
#define EDGELOOP_BOARD_STDIO 0
#endif

extern uint32_t __stack_top__;
extern uint32_t __data_load__;
extern uint32_t __data_start__;
extern uint32_t __data_end__;
extern uint32_t __bss_start__;
extern uint32_t __bss_end__;
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

int main(void);
void Reset_Handler(void);
void edgeloop_default_handler(void);
void edgeloop_hard_fault_handler(void);
void _exit(int status);
#if EDGELOOP_BOARD_STDIO
extern uint32_t __end__;
void initialise_monitor_handles(void);
void* _sbrk(ptrdiff_t increment);
#endif

enum {
  semihosting_sys_write0 = 0x04,
  semihosting_sys_exit = 0x18,
  semihosting_sys_exit_extended = 0x20,
  adp_stopped_application_exit = 0x20026,
  adp_stopped_run_time_error_unknown = 0x20023
};

static uint32_t semihosting_call(uint32_t operation, const void* argument) {
  uint32_t result;
  __asm volatile(
      "mov r0, %1\n\t"
      "mov r1, %2\n\t"
      "bkpt 0xAB\n\t"
      "mov %0, r0"
      : "=r"(result)
      : "r"(operation), "r"(argument)
      : "r0", "r1", "memory");
  return result;
}

#if EDGELOOP_BOARD_STDIO
#define EDGELOOP_STACK_PAINT 0xC5C5C5C5u

/* Fills the RAM between the end of static data and 64 bytes below the current stack
 * pointer with a pattern (called at reset, before anything else uses the stack). */
static void paint_free_ram(void) {
  uint32_t* sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  for (volatile uint32_t* p = &__end__; p < sp - 16; ++p) *p = EDGELOOP_STACK_PAINT;
}

static char* append_text(char* out, const char* text) {
  while (*text != '\0') *out++ = *text++;
  return out;
}

static char* append_unsigned(char* out, uint32_t value) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0);
  while (n > 0) *out++ = digits[--n];
  return out;
}

/* Reports RAM use; returns 0, or 5 when the stack came within 256 bytes of the heap. */
static int report_ram(void) {
  const uintptr_t static_start = (uintptr_t)&__data_start__;
  const uintptr_t static_end = (uintptr_t)&__end__;
  const uintptr_t top = (uintptr_t)&__stack_top__;
  uintptr_t heap_end = ((uintptr_t)_sbrk(0) + 3u) & ~(uintptr_t)3u;
  if (heap_end < static_end) heap_end = static_end;
  uintptr_t untouched_end = heap_end;
  while (untouched_end < top && *(volatile const uint32_t*)untouched_end == EDGELOOP_STACK_PAINT)
    untouched_end += 4u;
  char line[160];
  char* out = append_text(line, "edgeloop RAM: static ");
  out = append_unsigned(out, (uint32_t)(static_end - static_start));
  out = append_text(out, " B, heap ");
  out = append_unsigned(out, (uint32_t)(heap_end - static_end));
  out = append_text(out, " B, stack peak ");
  out = append_unsigned(out, (uint32_t)(top - untouched_end));
  out = append_text(out, " B, never used ");
  out = append_unsigned(out, (uint32_t)(untouched_end - heap_end));
  out = append_text(out, " B of ");
  out = append_unsigned(out, (uint32_t)(top - static_start));
  out = append_text(out, " B\n");
  *out = '\0';
  semihosting_call(semihosting_sys_write0, line);
  if (untouched_end - heap_end < 256u) {
    semihosting_call(semihosting_sys_write0, "edgeloop: the stack (nearly) reached the heap or static data\n");
    return 5;
  }
  return 0;
}
#endif

/* Exit with `status` as QEMU's exit status. SYS_EXIT_EXTENDED carries the status; the
 * plain SYS_EXIT of 32-bit Arm only carries a reason (QEMU: ApplicationExit -> 0,
 * anything else -> 1), which is the fallback for debuggers without the extension. */
void _exit(int status) {
#if EDGELOOP_BOARD_STDIO
  if (report_ram() != 0 && status == 0) status = 5;
#endif
  const uint32_t block[2] = {adp_stopped_application_exit, (uint32_t)status};
  semihosting_call(semihosting_sys_exit_extended, block);
  semihosting_call(semihosting_sys_exit, (const void*)(uintptr_t)(status == 0
      ? adp_stopped_application_exit : adp_stopped_run_time_error_unknown));
  for (;;) {
  }
}

static void fail(const char* message, int status) {
  semihosting_call(semihosting_sys_write0, message);
  _exit(status);
}

/* abort() (EDGELOOP_ASSERT's default handler, std::abort) without newlib's signal
 * machinery, which would pull in malloc. */
void abort(void) {
  fail("edgeloop: abort()\n", 134);
  for (;;) {
  }
}

void edgeloop_hard_fault_handler(void) { fail("edgeloop: HardFault\n", 3); }
void edgeloop_default_handler(void) { fail("edgeloop: unexpected exception\n", 4); }

void NMI_Handler(void) __attribute__((weak, alias("edgeloop_default_handler")));
void HardFault_Handler(void) __attribute__((weak, alias("edgeloop_hard_fault_handler")));
void MemManage_Handler(void) __attribute__((weak, alias("edgeloop_hard_fault_handler")));
void BusFault_Handler(void) __attribute__((weak, alias("edgeloop_hard_fault_handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("edgeloop_hard_fault_handler")));
void SecureFault_Handler(void) __attribute__((weak, alias("edgeloop_hard_fault_handler")));
void SVC_Handler(void) __attribute__((weak, alias("edgeloop_default_handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("edgeloop_default_handler")));
void PendSV_Handler(void) __attribute__((weak, alias("edgeloop_default_handler")));
void SysTick_Handler(void) __attribute__((weak, alias("edgeloop_default_handler")));

/* The 16 system exception vectors (no peripheral interrupt is enabled by the images).
 * Entries 4-7 are reserved on ARMv6-M and harmless there. */
struct edgeloop_vector_table {
  uint32_t* initial_stack;
  void (*handlers[15])(void);
};

__attribute__((section(".vectors"), used)) const struct edgeloop_vector_table edgeloop_vectors = {
    &__stack_top__,
    {
        Reset_Handler,       /* 1  reset */
        NMI_Handler,         /* 2  NMI */
        HardFault_Handler,   /* 3  HardFault */
        MemManage_Handler,   /* 4  MemManage (ARMv7-M, ARMv8-M Mainline) */
        BusFault_Handler,    /* 5  BusFault */
        UsageFault_Handler,  /* 6  UsageFault */
        SecureFault_Handler, /* 7  SecureFault (ARMv8-M) */
        0,
        0,
        0,
        SVC_Handler,      /* 11 SVCall */
        DebugMon_Handler, /* 12 DebugMonitor */
        0,
        PendSV_Handler,  /* 14 PendSV */
        SysTick_Handler, /* 15 SysTick */
    }};

void Reset_Handler(void) {
#if defined(__ARM_FP)
  /* CPACR: full access to CP10/CP11 before any floating-point instruction. */
  *(volatile uint32_t*)0xE000ED88u |= 0xFu << 20;
  __asm volatile("dsb\n\tisb" ::: "memory");
#endif
  const uint32_t* source = &__data_load__;
  for (uint32_t* destination = &__data_start__; destination < &__data_end__;) *destination++ = *source++;
  for (uint32_t* destination = &__bss_start__; destination < &__bss_end__;) *destination++ = 0;
#if EDGELOOP_BOARD_STDIO
  paint_free_ram();
#endif

#if EDGELOOP_BOARD_STDIO
  initialise_monitor_handles();
#endif
  for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();

#if EDGELOOP_BOARD_STDIO
  exit(main());
#else
  _exit(main());
#endif
}
