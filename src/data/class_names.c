/* Human-readable class names for figures and reports. */
#include <string.h>

#include "aeclust/data.h"

static const char *const fashion_names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
static const char *const digit_names[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

const char *const *ae_class_names(const char *name, int *n_classes)
{
    const char *const *names = NULL;
    if (name && (!strcmp(name, "fashion-mnist") || !strcmp(name, "fashion")))
        names = fashion_names;
    else if (name && (!strcmp(name, "mnist") || !strcmp(name, "digits")))
        names = digit_names;
    if (n_classes) *n_classes = names ? 10 : 0;
    return names;
}
