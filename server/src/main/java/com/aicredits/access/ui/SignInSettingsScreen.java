package com.aicredits.access.ui;

import com.aicredits.access.Audit;
import com.aicredits.access.ProviderAnswer;
import com.aicredits.access.SingleSignOn;
import com.aicredits.access.SsoConnection;
import com.aicredits.access.SsoSettings;
import com.aicredits.access.SsoSettings.ClientSecret;
import com.aicredits.directory.Role;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Settings → Sign-in &amp; provisioning, its single sign-on half: the redirect URI to register, the provider's settings
 * (saved through {@link SingleSignOn#configure}, as the API's PUT /sso), whether the provider answers, and turning it
 * off. Plain forms, as the other settings pages: every action is one POST and the page it returns.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/settings/sign-in")
class SignInSettingsScreen {

    private final SignInSettingsPage page;
    private final SingleSignOn sso;
    private final Audit audit;

    SignInSettingsScreen(SignInSettingsPage page, SingleSignOn sso, Audit audit) {
        this.page = page;
        this.sso = sso;
        this.audit = audit;
    }

    @GetMapping
    String page(@PathVariable("tenantId") TenantId tenant, Model model) {
        return page.render(tenant, null, model);
    }

    /** The provider's answer, asked after the page is shown (a provider that does not answer may take long). */
    @GetMapping("/provider")
    String provider(@PathVariable("tenantId") TenantId tenant, Model model) {
        page.common(tenant, model);
        model.addAttribute("connection", sso.connection(tenant).orElse(null));
        var answer = sso.check(tenant);
        if (answer.isEmpty()) {
            return "sign-in-settings/parts :: nothing";
        }
        model.addAttribute("provider", answer.get());
        return "sign-in-settings/parts :: provider";
    }

    /**
     * An empty secret keeps the stored one; a provider that cannot be reached is saved, with a warning saying so.
     * Except when password sign-in is to be refused: then nobody could sign in, so nothing is saved until the admin
     * confirms ({@code enforceUnreachable}). The API's PUT does not ask; this page is where the provider is checked.
     */
    @PostMapping("/sso")
    String save(@PathVariable("tenantId") TenantId tenant, @RequestParam(defaultValue = "") String issuer,
            @RequestParam(defaultValue = "") String clientId, @RequestParam(defaultValue = "") String clientSecret,
            @RequestParam(required = false) String enforced, @RequestParam(defaultValue = "") String jitRole,
            @RequestParam(required = false) String enforceUnreachable,
            Principal principal, Model model, HttpServletResponse response) {
        var form = new SignInSettingsPage.SsoForm(issuer.strip(), clientId.strip(), enforced != null, jitRole);
        var role = Role.parse(jitRole).filter(r -> r.name().equals(jitRole));
        if (!jitRole.isEmpty() && role.isEmpty()) {
            return refused(tenant, Refused.invalid("jitRole", "choose what happens to people without a user here"), form,
                    model, response);
        }
        if (form.enforced() && enforceUnreachable == null
                && sso.probe(tenant, issuer).orElse(null) instanceof ProviderAnswer.Unreachable(var reason)) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("error", "Nothing was saved: the provider cannot be reached (" + reason + "), and with "
                    + "“Only through the provider” nobody of your organisation could sign in until it answers. "
                    + "Correct the issuer, save without that option, or confirm below.");
            model.addAttribute("errorField", "enforced");
            return page.render(tenant, form, model);
        }
        var secret = clientSecret.isBlank() ? new ClientSecret.Kept() : new ClientSecret.Entered(clientSecret);
        return switch (sso.configure(tenant, new SsoSettings(issuer, clientId, secret, enforced != null, role.orElse(null)))) {
            case Outcome.Done<SsoConnection>(var connection) -> {
                audit.record(tenant, principal.getName(), "SSO_CONFIGURED", "/api/v1/tenants/" + tenant + "/sso",
                        "issuer " + connection.issuer() + (secret instanceof ClientSecret.Kept ? ", secret kept" : ""));
                var answer = sso.check(tenant).orElse(null);
                model.addAttribute("provider", answer);
                if (answer instanceof ProviderAnswer.Unreachable(var reason)) {
                    model.addAttribute("warning", "Saved, but the provider cannot be reached: " + reason + ".");
                } else {
                    model.addAttribute("saved", "Single sign-on saved. The provider answers.");
                }
                yield page.render(tenant, null, model);
            }
            case Refused<SsoConnection> refused -> refused(tenant, refused, form, model, response);
        };
    }

    @GetMapping("/sso/off")
    String confirmOff(@PathVariable("tenantId") TenantId tenant, Model model) {
        page.common(tenant, model);
        return "sign-in-settings/dialogs :: sso-off-dialog";
    }

    @PostMapping("/sso/off")
    String turnOff(@PathVariable("tenantId") TenantId tenant, Principal principal, Model model) {
        if (sso.turnOff(tenant) instanceof Refused<Boolean>) {
            throw SignInSettingsPage.notFound();
        }
        audit.record(tenant, principal.getName(), "SSO_TURNED_OFF", "/api/v1/tenants/" + tenant + "/sso", null);
        model.addAttribute("saved", "Single sign-on is off: your people sign in with a password.");
        return page.render(tenant, null, model);
    }

    private String refused(TenantId tenant, Refused<?> refused, SignInSettingsPage.SsoForm form, Model model,
            HttpServletResponse response) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        SignInSettingsPage.refused(refused, model);
        return page.render(tenant, form, model);
    }
}
