# Post-link check of a firmware image (edgeloop_add_firmware):
#   cmake -DIMAGE=fw.elf -DEMPTY=empty.elf -DSIZE=arm-none-eabi-size -DNM=arm-none-eabi-nm
#         [-DBOARD=name] -P firmware-check.cmake
# 1. Prints text/data/bss of IMAGE against EMPTY (an empty main() built the same way):
#    flash = text + data, RAM = data + bss (static RAM; the stack comes on top), and
#    writes the same as one JSON line to IMAGE.footprint.json.
# 2. Fails if IMAGE defines heap, exception or RTTI symbols, and deletes IMAGE so the next
#    build links (and checks) it again.

function(berkeley_size file out_prefix)
  execute_process(COMMAND ${SIZE} -B ${file} OUTPUT_VARIABLE text RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${SIZE} ${file} failed")
  endif()
  string(REGEX MATCH "\n[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)" row "${text}")
  set(${out_prefix}_text ${CMAKE_MATCH_1} PARENT_SCOPE)
  set(${out_prefix}_data ${CMAKE_MATCH_2} PARENT_SCOPE)
  set(${out_prefix}_bss ${CMAKE_MATCH_3} PARENT_SCOPE)
endfunction()

berkeley_size(${IMAGE} image)
berkeley_size(${EMPTY} empty)
foreach(part text data bss)
  math(EXPR delta_${part} "${image_${part}} - ${empty_${part}}")
endforeach()
math(EXPR image_flash "${image_text} + ${image_data}")
math(EXPR image_ram "${image_data} + ${image_bss}")
math(EXPR empty_flash "${empty_text} + ${empty_data}")
math(EXPR empty_ram "${empty_data} + ${empty_bss}")
math(EXPR delta_flash "${image_flash} - ${empty_flash}")
math(EXPR delta_ram "${image_ram} - ${empty_ram}")
get_filename_component(name ${IMAGE} NAME_WE)
message("firmware ${name} [${BOARD}]: text ${image_text} data ${image_data} bss ${image_bss}"
        " | empty image: text ${empty_text} data ${empty_data} bss ${empty_bss}"
        " | added: flash ${delta_flash} B, static RAM ${delta_ram} B")
file(WRITE ${IMAGE}.footprint.json
  "{\"footprint\":\"${name}\",\"board\":\"${BOARD}\",\"flash_bytes\":${delta_flash},"
  "\"static_ram_bytes\":${delta_ram},\"image_flash_bytes\":${image_flash},\"image_static_ram_bytes\":${image_ram}}\n")

# Symbols a heap-free, exception-free, RTTI-free image must not define.
set(forbidden
  "malloc" "_malloc_r" "calloc" "_calloc_r" "realloc" "_realloc_r" "free" "_free_r"
  "_Znwj[^\n]*" "_Znaj[^\n]*" "_ZdlPv[^\n]*" "_ZdaPv[^\n]*"
  "__cxa_throw" "__cxa_allocate_exception" "__cxa_begin_catch" "__gxx_personality_v0"
  "_ZTI[^\n]*" "_ZTS[^\n]*" "__dynamic_cast" "__cxa_bad_cast" "__cxa_bad_typeid")
list(JOIN forbidden "|" alternatives)
execute_process(COMMAND ${NM} --defined-only ${IMAGE} OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${NM} ${IMAGE} failed")
endif()
string(REGEX MATCHALL "[0-9a-fA-F]+ [A-Za-z] (${alternatives})\n" hits "${symbols}")
if(hits)
  string(REPLACE "\n" "" hits "${hits}")
  file(REMOVE ${IMAGE})
  message(FATAL_ERROR "firmware ${name}: forbidden symbols (heap / exceptions / RTTI): ${hits}")
endif()
