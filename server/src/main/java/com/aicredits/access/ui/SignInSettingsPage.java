package com.aicredits.access.ui;

import com.aicredits.access.Access;
import com.aicredits.access.ApiKey;
import com.aicredits.access.ApiKeyScope;
import com.aicredits.access.PublicAddress;
import com.aicredits.access.SingleSignOn;
import com.aicredits.access.SsoConnection;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * What the Sign-in &amp; provisioning page shows, whichever action answers with it: the addresses to give the identity
 * provider (known before anything is set up), the single sign-on form, and the tenant's live SCIM tokens.
 */
@Component
class SignInSettingsPage {

    static final String VIEW = "sign-in-settings/page";

    /** The single sign-on form as shown: the stored settings, or what the admin typed (never a secret). */
    record SsoForm(String issuer, String clientId, boolean enforced, String jitRole) {
        static SsoForm of(SsoConnection c) {
            return c == null ? new SsoForm("", "", false, "")
                    : new SsoForm(c.issuer(), c.clientId(), c.enforced(), c.justInTimeRole() == null ? "" : c.justInTimeRole().name());
        }
    }

    private static final Map<String, String> LABELS = Map.of("issuer", "Issuer", "clientId", "Client ID",
            "clientSecret", "Client secret", "name", "The token's name");

    private final Directory directory;
    private final SingleSignOn sso;
    private final Access access;
    private final PublicAddress address;

    SignInSettingsPage(Directory directory, SingleSignOn sso, Access access, PublicAddress address) {
        this.directory = directory;
        this.sso = sso;
        this.access = access;
        this.address = address;
    }

    /** The page; {@code form} null shows the stored single sign-on settings. */
    String render(TenantId tenant, SsoForm form, Model model) {
        var connection = sso.connection(tenant).orElse(null);
        String requestBase = ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        common(tenant, model);
        model.addAttribute("connection", connection);
        model.addAttribute("form", form != null ? form : SsoForm.of(connection));
        model.addAttribute("roles", Role.values());
        model.addAttribute("redirectUri", sso.redirectUri(tenant, requestBase));
        model.addAttribute("organisationSignIn", sso.organisationSignIn(tenant, requestBase));
        model.addAttribute("scimBaseUrl", address.scimBaseUrl(requestBase));
        model.addAttribute("tokens", scimTokens(tenant));
        return VIEW;
    }

    void common(TenantId tenant, Model model) {
        model.addAttribute("tenant", directory.tenant(tenant).orElseThrow(SignInSettingsPage::notFound));
        model.addAttribute("base", "/app/tenants/" + tenant);
    }

    /** A refusal in words beside the form, the field it names marked: "clientId is required" reads "Client ID is required." */
    static void refused(Refused<?> refused, Model model) {
        String message = refused.message();
        String label = refused.field() == null ? null : LABELS.get(refused.field());
        if (label != null && message.startsWith(refused.field() + " ")) {
            message = label + message.substring(refused.field().length());
        } else if (label != null) {
            message = label + ": " + message;
        } else {
            message = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        }
        model.addAttribute("error", message + ".");
        model.addAttribute("errorField", refused.field());
    }

    /** The tenant's SCIM tokens still working, oldest first; the page manages these and no other key. */
    List<ApiKey> scimTokens(TenantId tenant) {
        return access.keys(tenant).orElseThrow(SignInSettingsPage::notFound).stream()
                .filter(key -> key.scope() == ApiKeyScope.scim && key.revokedAt() == null).toList();
    }

    Optional<ApiKey> scimToken(TenantId tenant, UUID id) {
        return scimTokens(tenant).stream().filter(key -> key.id().equals(id)).findFirst();
    }

    static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
