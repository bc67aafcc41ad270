from portal.accounts.models import Role


def test_a_user_signs_in_and_reaches_home(client, make):
    user = make.user(Role.COORDINATOR)
    response = client.sign_in(user)
    assert response.status_code == 302 and response.location == "/home"
    page = client.get("/home")
    assert user.name in page.text
