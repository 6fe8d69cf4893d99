#include <lzma.h>
#include <zstd.h>
#include <zlib.h>
