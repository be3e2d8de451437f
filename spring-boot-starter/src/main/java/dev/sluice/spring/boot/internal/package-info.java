/** The starter's implementation: the health indicator and helpers; not API. */
@NullMarked
package dev.sluice.spring.boot.internal;

import org.jspecify.annotations.NullMarked;
