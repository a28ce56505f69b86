// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's static pathtrace: Debian's libpcap.a brings its D-Bus capture,
 * whose libdbus-1.a calls two libsystemd functions for socket activation;
 * Debian ships no libsystemd.a. pathtrace only compiles filters with
 * libpcap and never reaches them: no socket was passed to us.
 */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd;
	(void)family;
	(void)type;
	(void)listening;
	return 0;
}
