/*
 * IPv4 address management for localvim's fake Neutron: parsing, CIDR
 * membership, first-free allocation, and the tenant -> loopback mapping
 * (a.b.c.d is served on 127.b.c.d). Pure functions; no world state.
 */
#ifndef LV_IPAM_H
#define LV_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Dotted quad -> host-order address. 0 or -EINVAL. */
int ipam_parse(const char *s, uint32_t *ret);
/* Host-order address -> dotted quad. */
void ipam_format(uint32_t a, char out[16]);
/* "10.10.0.0/24" -> network (masked) and prefix length. 0 or -EINVAL. */
int ipam_parse_cidr(const char *s, uint32_t *ret_net, unsigned *ret_prefix);
bool ipam_in_cidr(uint32_t a, uint32_t net, unsigned prefix);
/* The lowest address in [start, end] that is not in taken[0..n).
 * 0, or -ENOSPC when every address is taken. */
int ipam_next_free(uint32_t start, uint32_t end, const uint32_t *taken,
                   size_t n, uint32_t *ret);
/* The loopback address that serves tenant address a: 127.b.c.d. */
uint32_t ipam_loopback(uint32_t a);
/* The same for text; 0 or -EINVAL. */
int ipam_loopback_text(const char *tenant, char out[16]);

#endif
