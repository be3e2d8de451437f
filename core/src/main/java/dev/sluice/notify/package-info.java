@NullMarked
package dev.sluice.notify;

import org.jspecify.annotations.NullMarked;
