/* The import's view of a site's Lua host: the settings an import reads from the site
 * configuration, and the scorer that runs the score function of plugin instruments. The import
 * itself knows neither Lua nor the host; a command sets both up here and passes them in. */
#ifndef SIXBB_IMPORT_HOST_H
#define SIXBB_IMPORT_HOST_H

#include "import.h"

struct host;

/* Reads standard and import.columns.<kind>.<column> for every kind and column. cfg is
 * overwritten; release it with import_config_free. */
void import_host_config(struct host *h, struct import_config *cfg);
/* A scorer calling into h, valid while h is. */
void import_host_scorer(struct host *h, struct import_scorer *out);

#endif
