package com.aicredits.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a state-changing browser request that another site started, before the CSRF token is even
 * looked at: {@code Sec-Fetch-Site} must say same-origin (or none: typed by the person), and an
 * {@code Origin}, when sent, must be this service's own. Sign-in is covered too, where no token exists yet
 * (a forged sign-in would put the victim in the attacker's account). Bearer requests carry no ambient
 * credentials, and clients other than browsers send neither header, so both pass.
 */
class SameOrigin extends OncePerRequestFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final Set<String> OWN_SITE = Set.of("same-origin", "none");

    private final ProblemWriter problems;
    /** The configured public origin (scheme://host[:port]), or null to compare with the request's own Host. */
    private final String publicOrigin;

    SameOrigin(ProblemWriter problems, String publicBaseUrl) {
        this.problems = problems;
        this.publicOrigin = publicBaseUrl == null || publicBaseUrl.isBlank() ? null : origin(URI.create(publicBaseUrl.strip()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SAFE.contains(request.getMethod()) || BearerKeys.isBearer(request)) {
            chain.doFilter(request, response);
            return;
        }
        String site = request.getHeader("Sec-Fetch-Site");
        String origin = request.getHeader("Origin");
        if ((site != null && !OWN_SITE.contains(site)) || (origin != null && !origin.equalsIgnoreCase(expected(request)))) {
            problems.write(request, response, 403, "CROSS_ORIGIN",
                    "a state-changing request must come from this service's own pages");
            return;
        }
        chain.doFilter(request, response);
    }

    /** A browser sets Host to the site it is talking to, so without a configured origin that is ours. */
    private String expected(HttpServletRequest request) {
        if (publicOrigin != null) {
            return publicOrigin;
        }
        return request.getScheme() + "://" + request.getHeader("Host");
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
