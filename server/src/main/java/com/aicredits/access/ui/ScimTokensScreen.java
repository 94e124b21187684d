package com.aicredits.access.ui;

import com.aicredits.access.Access;
import com.aicredits.access.ApiKeyScope;
import com.aicredits.access.Audit;
import com.aicredits.access.IssuedKey;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Settings → Sign-in &amp; provisioning, its SCIM half: the tenant's admins issue a token for their directory (shown once)
 * and revoke one, through {@link Access} as the platform's API does. Only SCIM tokens: the page neither lists nor
 * revokes the tenant's admin and consume keys, which stay the platform's to issue.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/settings/sign-in/scim-tokens")
class ScimTokensScreen {

    private final SignInSettingsPage page;
    private final Access access;
    private final Audit audit;

    ScimTokensScreen(SignInSettingsPage page, Access access, Audit audit) {
        this.page = page;
        this.access = access;
        this.audit = audit;
    }

    @PostMapping
    String issue(@PathVariable("tenantId") TenantId tenant, @RequestParam(defaultValue = "") String name,
            Principal principal, Model model, HttpServletResponse response) {
        switch (access.issue(tenant, ApiKeyScope.scim, name)) {
            case Outcome.Done<IssuedKey>(var issued) -> {
                audit.record(tenant, principal.getName(), "SCIM_TOKEN_ISSUED", keyPath(tenant, issued.apiKey().id()),
                        issued.apiKey().name());
                model.addAttribute("issued", issued);
            }
            case Refused<IssuedKey> refused -> {
                response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
                SignInSettingsPage.refused(refused, model);
                model.addAttribute("tokenName", name);
            }
        }
        return page.render(tenant, null, model);
    }

    @GetMapping("/{keyId}/revoke")
    String confirmRevoke(@PathVariable("tenantId") TenantId tenant, @PathVariable UUID keyId, Model model) {
        page.common(tenant, model);
        model.addAttribute("token", page.scimToken(tenant, keyId).orElseThrow(SignInSettingsPage::notFound));
        return "sign-in-settings/dialogs :: revoke-dialog";
    }

    /** Stops the token at once, on every instance ({@link Access#revoke}); another tenant's key id is not found. */
    @PostMapping("/{keyId}/revoke")
    String revoke(@PathVariable("tenantId") TenantId tenant, @PathVariable UUID keyId, Principal principal, Model model) {
        var token = page.scimToken(tenant, keyId).orElseThrow(SignInSettingsPage::notFound);
        access.revoke(tenant, keyId);
        audit.record(tenant, principal.getName(), "SCIM_TOKEN_REVOKED", keyPath(tenant, keyId), token.name());
        model.addAttribute("saved", "SCIM token " + token.name() + " revoked: it no longer works.");
        return page.render(tenant, null, model);
    }

    private static String keyPath(TenantId tenant, UUID keyId) {
        return "/api/v1/tenants/" + tenant + "/api-keys/" + keyId;
    }
}
