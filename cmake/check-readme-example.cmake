# Fails unless README.md contains examples/host/readme_example.cpp verbatim, so the
# usage example users read is the one that is compiled and run as a test.
file(READ ${README} readme)
file(READ ${EXAMPLE} example)
string(FIND "${readme}" "${example}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not contain ${EXAMPLE} verbatim; update the README")
endif()
