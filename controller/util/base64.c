/* Base64 encoding; see base64.h. */
#include "base64.h"
#include "strbuf.h"

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
base64_encode(const void *data, size_t n)
{
	const unsigned char *in = data;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		strbuf_putc(&sb, base64_alphabet[(v >> 18) & 63]);
		strbuf_putc(&sb, base64_alphabet[(v >> 12) & 63]);
		strbuf_putc(&sb,
		            i + 1 < n ? base64_alphabet[(v >> 6) & 63] : '=');
		strbuf_putc(&sb, i + 2 < n ? base64_alphabet[v & 63] : '=');
	}
	return strbuf_detach(&sb);
}
