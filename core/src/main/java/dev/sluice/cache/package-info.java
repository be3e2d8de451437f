@NullMarked
package dev.sluice.cache;

import org.jspecify.annotations.NullMarked;
