/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UNIT_CLI_H
#define UNIT_CLI_H

#include "cli.h"

/*
 * pt_cli_parse() on "pathtrace" and the NULL-terminated arguments after
 * @err: its stdout in *out (unless NULL), its stderr in *err (test_cli.c).
 */
enum pt_cli_result unit_cli(struct pt_opts *o, const char **out, const char **err, ...);

#endif
