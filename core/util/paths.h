/* File-system paths every layer needs: joining a directory and a file name, and finding the
 * installed data (config/, plugins/, scripts/) whether sixbb runs installed or from its source
 * tree. */
#ifndef SIXBB_PATHS_H
#define SIXBB_PATHS_H

/* Installed data directories: $SIXBB_DATA/<name> if set, else <exe>/../share/sixbb/<name> when
 * installed, else the source tree. name is "config", "plugins" or "scripts". Never NULL. */
const char *paths_data_dir(const char *name);
/* "<dir>/<file>" in a static-free, caller-freed string. */
char *path_join(const char *dir, const char *file);

#endif
