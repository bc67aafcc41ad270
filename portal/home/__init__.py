"""The home page's "What needs you": for partners, the questions waiting for their answer and the
decisions made since they last looked; for program staff, the referrals they hold, the partners'
replies they have not opened yet and the intake deadlines of the coming week."""
