@NullMarked
package dev.sluice.block;

import org.jspecify.annotations.NullMarked;
