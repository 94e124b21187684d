package com.aicredits.directory.ui;

import com.aicredits.api.JsonText;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.User;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/** The Users tab of User Management: the tenant's registered users, with add, edit and (de)activate. */
@Controller
@RequestMapping("/app/tenants/{tenantId}/users")
class UsersScreen {

    /** The signed-in person's user id, read off the session's principal (access's Caller) by name: no import cycle. */
    private static final String ME = "userId";

    private final Directory directory;

    UsersScreen(Directory directory) {
        this.directory = directory;
    }

    @GetMapping
    String page(@PathVariable TenantId tenantId, @AuthenticationPrincipal(expression = ME) UserId me, Model model) {
        var tenant = directory.tenant(tenantId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("tenant", tenant);
        model.addAttribute("base", "/app/tenants/" + tenantId);
        return list(tenantId, me, model);
    }

    @GetMapping("/list")
    String list(@PathVariable TenantId tenantId, @AuthenticationPrincipal(expression = ME) UserId me, Model model) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("me", me);
        model.addAttribute("users", directory.users(tenantId));
        return model.containsAttribute("tenant") ? "users/page" : "users/page :: list";
    }

    /** What the admin typed, shown again after a refusal so nothing has to be typed twice (never the password). */
    record Entered(String name, String email, String role) {
        static final Entered NOTHING = new Entered(null, null, null);
    }

    @GetMapping("/new")
    String newUser(@PathVariable TenantId tenantId, Model model) {
        return dialog(tenantId, null, null, Entered.NOTHING, model);
    }

    @GetMapping("/{userId}/edit")
    String edit(@PathVariable TenantId tenantId, @PathVariable UserId userId,
            @AuthenticationPrincipal(expression = ME) UserId me, Model model) {
        model.addAttribute("me", me);
        return dialog(tenantId, userId, null, Entered.NOTHING, model);
    }

    @PostMapping
    Object register(@PathVariable TenantId tenantId, @RequestParam(required = false) String name,
            @RequestParam(required = false) String email, @RequestParam(required = false) String role,
            @RequestParam(required = false) String password, Model model, HttpServletResponse response) {
        var entered = new Entered(name, email, role);
        var parsedRole = Role.parse(role);
        if (parsedRole.isEmpty()) {
            return refused(tenantId, null, "Choose a role.", entered, model, response);
        }
        var result = directory.register(tenantId, new NewUser(name, email, parsedRole.get(), null,
                password == null || password.isBlank() ? null : password));
        return answer(tenantId, null, result, entered, model, response, user -> "Added " + user.name() + " as " + user.role() + ".");
    }

    @PostMapping("/{userId}")
    Object change(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestParam(required = false) String name,
            @RequestParam(required = false) String role, @RequestParam(required = false) Boolean active, Model model,
            @AuthenticationPrincipal(expression = ME) UserId me, HttpServletResponse response) {
        model.addAttribute("me", me);
        if (userId.equals(me) && (Boolean.FALSE.equals(active) || Role.parse(role).filter(r -> r != Role.Admin).isPresent())) {
            // The tab's own buttons do not offer it: an admin who deactivated or demoted themselves would be locked out
            // of the page they are on, and the tenant may have no other admin to undo it.
            return refused(tenantId, userId, "You cannot deactivate yourself or change your own role. Ask another admin.",
                    new Entered(name, null, role), model, response);
        }
        var result = directory.change(tenantId, userId,
                new UserChange(name, Role.parse(role).orElse(null), active));
        return answer(tenantId, userId, result, new Entered(name, null, role), model, response, user -> active == null
                ? "Saved " + user.name() + "."
                : active ? "Activated " + user.name() + "."
                : "Deactivated " + user.name() + ": they are signed out and can no longer start AI requests.");
    }

    /** A change done answers the list's refresh and the toast that says what happened; a refusal, the dialog again. */
    private Object answer(TenantId tenantId, UserId userId, Outcome<User> result, Entered entered, Model model,
            HttpServletResponse response, Function<User, String> said) {
        return switch (result) {
            case Outcome.Done<User>(var user) -> ResponseEntity.noContent().header("HX-Trigger",
                    "{\"users-changed\":null,\"users-done\":{\"message\":" + JsonText.quoted(said.apply(user)) + "}}").build();
            case Refused<?> refused -> refused(tenantId, userId,
                    Refusals.sentence(refused.message()), entered,
                    model, response);
        };
    }

    private String refused(TenantId tenantId, UserId userId, String error, Entered entered, Model model,
            HttpServletResponse response) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        return dialog(tenantId, userId, error, entered, model);
    }

    private String dialog(TenantId tenantId, UserId userId, String error, Entered entered, Model model) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("error", error);
        model.addAttribute("entered", entered);
        model.addAttribute("roles", Role.values());
        model.addAttribute("user", userId == null ? null
                : directory.user(tenantId, userId)
                        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
        return "users/dialogs :: user-dialog";
    }
}
