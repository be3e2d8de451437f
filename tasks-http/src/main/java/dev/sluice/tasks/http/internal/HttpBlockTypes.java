package dev.sluice.tasks.http.internal;

import dev.sluice.block.Block;
import dev.sluice.block.BlockTypeProvider;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.http.BasicAuth;
import dev.sluice.tasks.http.BearerToken;
import dev.sluice.tasks.http.OAuth2ClientCredentials;
import java.util.List;

/**
 * The block types of sluice-tasks-http, found with {@link java.util.ServiceLoader} so that
 * {@code Blocks.load("http-api-key/sales-api")} and nested references know them by slug.
 */
public final class HttpBlockTypes implements BlockTypeProvider {
    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(ApiKey.class, BasicAuth.class, BearerToken.class, OAuth2ClientCredentials.class);
    }
}
