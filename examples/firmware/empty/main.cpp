// The empty firmware image: startup code and a main() that returns. Firmware images are
// measured against it (edgeloop_add_firmware prints the text/data/bss they add).
int main() { return 0; }
