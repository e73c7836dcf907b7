#include <expat.h>
#include <dlfcn.h>

#ifndef RTLD_DEFAULT
#define RTLD_DEFAULT ((void *)0)
#endif

/* Reparse deferral (expat 2.6.0, and Debian's security update of 2.5.0) can hold back the end of
 * a complete stanza until more bytes arrive, which stalls a stream protocol such as XMPP.
 * XML_SetReparseDeferralEnabled exists only in libraries that defer, and the headers a binary is
 * compiled against can be older than the library it later runs with (a fresh Debian 12 machine has
 * libexpat1-dev 2.5.0-1+deb12u1 without it; an upgrade brings it in). So it is looked up in the
 * running process instead of being linked: 1 when deferral was switched off, 0 when the library
 * does not defer at all. */
typedef XML_Bool (*meetpad_expat_reparse_deferral_setter)(XML_Parser, XML_Bool);

static inline int meetpad_expat_disable_reparse_deferral(XML_Parser parser) {
    meetpad_expat_reparse_deferral_setter setter =
        (meetpad_expat_reparse_deferral_setter)dlsym(RTLD_DEFAULT, "XML_SetReparseDeferralEnabled");
    if (setter == 0) return 0;
    return setter(parser, XML_FALSE) == XML_TRUE;
}
