#include "media_socket.h"
